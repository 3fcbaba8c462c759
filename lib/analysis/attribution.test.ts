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
        // Request types: the stages a request comes from, when not the one before (earlier ones).
        after: fc.option(fc.array(fc.nat(), { minLength: 1, maxLength: 3 }), { freq: 3 }),
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
      if (s.after !== null && i > 0) spec.after = [...new Set(s.after.map((n) => `s${n % i}`))];
      if (s.atQuantileMs !== null && s.kind !== 'queue')
        obs.latencies[id] = { p50Ms: null, p90Ms: null, p99Ms: null, atQuantileMs: s.atQuantileMs };
      specs.push(spec);
    });
    return obs;
  });

/**
 * Every way through the stages (sources to sinks), enumerated here by the rules stage-graph.ts
 * states (a chain in list order; once any stage says after: its after, else a worker group's
 * queue, else the nearest earlier stage that is not a store; a store off the stage before it).
 */
function waysThrough(specs: StageSpec[]): string[][] {
  const branching = specs.some((s) => s.after);
  const preds = (i: number): string[] => {
    const s = specs[i]!;
    if (!branching) return i > 0 ? [specs[i - 1]!.id] : [];
    if (s.after) return s.after;
    if (s.kind === 'workers' && s.consumesFrom) return [s.consumesFrom];
    if (s.kind === 'store') return i > 0 ? [specs[i - 1]!.id] : [];
    const earlier = specs.slice(0, i).filter((t) => t.kind !== 'store');
    return earlier.length > 0 ? [earlier.at(-1)!.id] : [];
  };
  const next = (id: string) => specs.filter((_, j) => preds(j).includes(id)).map((t) => t.id);
  const out: string[][] = [];
  const walk = (id: string, path: string[]) => {
    const nexts = next(id);
    if (nexts.length === 0) out.push([...path, id]);
    for (const n of nexts) walk(n, [...path, id]);
  };
  specs.forEach((sp, i) => {
    if (preds(i).length === 0) walk(sp.id, []);
  });
  return out;
}

describe('latency attribution', () => {
  it('is a consistent decomposition of the end-to-end figure along every way through any pipeline, measured or estimated', () => {
    fc.assert(
      fc.property(pipelineArb, (obs) => {
        const s = analyze(obs);
        const e = s.endToEnd;
        const byId = new Map(s.stages.map((st) => [st.id, st]));
        const ways = waysThrough(obs.stages);
        const along = (way: string[], f: (id: string) => number) => way.reduce((a, id) => a + f(id), 0);
        // Each stage's own figure, read here from the inputs: a queue's wait, else its latency.
        const raw = (id: string) => {
          const st = byId.get(id)!;
          return Math.max(
            0,
            Math.round(st.kind === 'queue' ? (st.waitMs ?? 0) : (obs.latencies[id]?.atQuantileMs ?? 0)),
          );
        };
        expect(e.stagesSumMs).toBe(Math.max(0, ...ways.map((w) => along(w, raw))));
        const fitted = obs.endToEnd.pMs !== null && e.stagesSumMs! > obs.endToEnd.pMs;
        for (const st of s.stages)
          expect(st.contributionMs, st.id).toBe(
            fitted ? Math.floor(raw(st.id) * (obs.endToEnd.pMs! / e.stagesSumMs!)) : raw(st.id),
          );
        // A request takes one way: the slowest way's contributions are what is explained.
        const sum = Math.max(...ways.map((w) => along(w, (id) => byId.get(id)!.contributionMs)));
        expect(e.explainedMs).toBe(sum);
        expect(e.stagesSumMs).toBeGreaterThanOrEqual(sum);
        for (const st of s.stages) {
          expect(st.contributionMs).toBeGreaterThanOrEqual(0);
          expect(st.share).toBeGreaterThanOrEqual(0);
          expect(st.share).toBeLessThanOrEqual(1);
        }
        // Rounded to 0.001 each, the shares along any way add up to at most a whole.
        for (const w of ways) expect(along(w, (id) => byId.get(id)!.share)).toBeLessThanOrEqual(1 + 0.0005 * w.length);
        if (obs.endToEnd.pMs !== null) {
          expect(e.estimated).toBe(false);
          expect(e.pMs).toBe(obs.endToEnd.pMs);
          for (const w of ways) expect(along(w, (id) => byId.get(id)!.contributionMs)).toBeLessThanOrEqual(e.pMs!);
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

  it('holds two request types against the slower one: the parts of the faster branch are not added to it', () => {
    const idle = { ready: 0, consumers: 2, publish: 5, deliver: 5, growthPerSec: 0 };
    const obs = demoObservations({ e2eP90Ms: null, requestQueue: idle, replyQueue: idle });
    // api -> face queue -> face workers -> replies, and api -> ocr queue -> ocr workers -> replies.
    const spec = (id: string, kind: StageSpec['kind'], extra: Partial<StageSpec> = {}): StageSpec => ({
      id,
      kind,
      label: id,
      hasLatency: kind === 'workers',
      hasGpu: false,
      ...extra,
    });
    const stages = [
      spec('api', 'service'),
      spec('face-queue', 'queue', { queue: { name: 'face', vhost: '/', depthThreshold: 50 } }),
      spec('face', 'workers', { consumesFrom: 'face-queue' }),
      spec('ocr-queue', 'queue', { queue: { name: 'ocr', vhost: '/', depthThreshold: 50 }, after: ['api'] }),
      spec('ocr', 'workers', { consumesFrom: 'ocr-queue' }),
      spec('reply-queue', 'queue', {
        queue: { name: 'replies', vhost: '/', depthThreshold: 50 },
        after: ['face', 'ocr'],
      }),
    ];
    const s = analyze({
      ...obs,
      stages,
      queues: { 'face-queue': queue(idle), 'ocr-queue': queue(idle), 'reply-queue': queue(idle) },
      latencies: {
        face: { p50Ms: null, p90Ms: null, p99Ms: null, atQuantileMs: 800 },
        ocr: { p50Ms: null, p90Ms: null, p99Ms: null, atQuantileMs: 2500 },
      },
      workers: {},
      gpuUtilPct: {},
    });
    expect(s.stages.find((st) => st.id === 'ocr-queue')!.after).toEqual(['api']);
    // Estimated from the slower way (the OCR branch), not from both branches added up.
    expect(s.endToEnd).toMatchObject({ estimated: true, pMs: 2500, explainedMs: 2500, stagesSumMs: 2500 });
    expect(s.stages.find((st) => st.id === 'ocr')!.share).toBe(1);
    expect(s.stages.find((st) => st.id === 'face')!.share).toBe(0.32);
  });
});
