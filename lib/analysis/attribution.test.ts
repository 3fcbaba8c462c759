import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { analyze } from './analyze';
import { demoObservations, queue } from './fixtures';
import type { Observations, StageSpec } from './types';

/**
 * Where end-to-end latency goes, for any pipeline: the stages' contributions are a consistent
 * decomposition of the end-to-end figure. Generated pipelines (any number of queues, worker
 * groups, services and stores, in any order) with generated numbers, some missing: the
 * contributions never add up to more than a measured end-to-end figure, an estimated one is
 * exactly their sum (and says it is estimated), and what the stages' own figures added up to is
 * kept for the page to explain an overlap.
 */
const kinds = ['service', 'queue', 'workers', 'store'] as const;

const pipelineArb = fc
  .record({
    stages: fc.array(
      fc.record({
        kind: fc.constantFrom(...kinds),
        ready: fc.integer({ min: 0, max: 5000 }),
        consumers: fc.integer({ min: 0, max: 60 }),
        publish: fc.option(fc.double({ min: 0, max: 500, noNaN: true })),
        deliver: fc.option(fc.double({ min: 0, max: 500, noNaN: true })),
        growthPerSec: fc.double({ min: -20, max: 50, noNaN: true }),
        atQuantileMs: fc.option(fc.integer({ min: 0, max: 120_000 })),
      }),
      { minLength: 1, maxLength: 12 },
    ),
    e2eMs: fc.option(fc.integer({ min: 1, max: 120_000 })),
    quantile: fc.constantFrom(0.5, 0.9, 0.95, 0.99),
    sloMs: fc.integer({ min: 100, max: 30_000 }),
  })
  .map(({ stages, e2eMs, quantile, sloMs }): Observations => {
    const base = demoObservations({
      e2eP90Ms: e2eMs,
      requestQueue: { ready: 0, consumers: 0, publish: null, deliver: null, growthPerSec: 0 },
      replyQueue: { ready: 0, consumers: 0, publish: null, deliver: null, growthPerSec: 0 },
    });
    const specs: StageSpec[] = [];
    const obs: Observations = {
      ...base,
      stages: specs,
      queues: {},
      latencies: {},
      gpuUtilPct: {},
      workers: {},
      endToEnd: { pMs: e2eMs, quantile, sloMs },
    };
    let lastQueue: string | undefined;
    stages.forEach((s, i) => {
      const id = `s${i}`;
      const spec: StageSpec = {
        id,
        kind: s.kind,
        label: `Stage ${i}`,
        hasLatency: s.atQuantileMs !== null,
        hasGpu: false,
      };
      if (s.kind === 'queue') {
        spec.queue = { name: `q${i}`, vhost: '/', depthThreshold: 50 };
        obs.queues[id] = queue(s);
        lastQueue = id;
      }
      if (s.kind === 'workers' && lastQueue) spec.consumesFrom = lastQueue;
      if (s.atQuantileMs !== null && s.kind !== 'queue')
        obs.latencies[id] = { p50Ms: null, p90Ms: null, p99Ms: null, atQuantileMs: s.atQuantileMs };
      specs.push(spec);
    });
    return obs;
  });

describe('latency attribution', () => {
  it('is a consistent decomposition of the end-to-end figure, measured or estimated, for any pipeline', () => {
    fc.assert(
      fc.property(pipelineArb, (obs) => {
        const s = analyze(obs);
        const e = s.endToEnd;
        const sum = s.stages.reduce((a, st) => a + st.contributionMs, 0);
        expect(e.explainedMs).toBe(sum);
        expect(e.stagesSumMs).toBeGreaterThanOrEqual(sum);
        for (const st of s.stages) {
          expect(st.contributionMs).toBeGreaterThanOrEqual(0);
          expect(st.share).toBeGreaterThanOrEqual(0);
          expect(st.share).toBeLessThanOrEqual(1);
        }
        // Rounded to 0.001 each, the shares add up to at most a whole.
        expect(s.stages.reduce((a, st) => a + st.share, 0)).toBeLessThanOrEqual(1 + 0.0005 * s.stages.length);
        if (obs.endToEnd.pMs !== null) {
          expect(e.estimated).toBe(false);
          expect(e.pMs).toBe(obs.endToEnd.pMs);
          expect(sum).toBeLessThanOrEqual(e.pMs!);
          expect(e.unexplainedMs).toBe(e.pMs! - sum);
          // Fitted only when the parts overlapped; otherwise each stage keeps its own figure.
          if (e.stagesSumMs! <= e.pMs!) expect(sum).toBe(e.stagesSumMs);
        } else if (sum > 0) {
          expect(e).toMatchObject({ estimated: true, pMs: sum, unexplainedMs: null });
        } else {
          expect(e).toMatchObject({ estimated: false, pMs: null });
        }
      }),
      { numRuns: 500 },
    );
  });
});
