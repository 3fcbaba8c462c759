import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyze } from './analyze';
import { demoObservations, scenarioObservations } from './fixtures';
import { estimateGrowthPerSec } from './estimate-growth';
import { estimateQueueWaitMs } from './estimate-queue-wait';
import { recommendScale } from './recommend-scale';

describe('analyze: one case per demo scenario', () => {
  it('steady: no bottleneck and no insight', () => {
    const s = analyze(scenarioObservations.steady);
    expect(s.bottleneck).toBeNull();
    expect(s.insights).toEqual([]);
    expect(s.stages.every((st) => st.status === 'ok')).toBe(true);
  });

  it('reply-starvation: names the reply consumers, not the ML workers, with numbers and a scale recommendation', () => {
    const s = analyze(scenarioObservations.replyStarvation);
    expect(s.bottleneck).toMatchObject({ stageId: 'reply-consumers', queueStageId: 'reply-queue' });
    expect(s.bottleneck!.reason).toBe(
      'Reply queue: 420 ready, 3 consumers drain 12/s while 16/s arrive; requests wait about 35 s here.',
    );
    // 16/s + (420 ready + 4/s short for the assumed 20 s start-up) over 60 s at 4/s per consumer
    // and 70% utilisation: ceil(23.07/2.8) = 9; drained 20 s + 500/(36 - 16) s after the click.
    expect(s.bottleneck!.recommendation).toMatchObject({
      job: 'api',
      group: 'reply-consumer',
      from: 3,
      to: 9,
      drainSeconds: 45,
      basis: { arrivalPerSec: 16, projectedPerSec: 16, startupSec: 20, startupLearned: false, perConsumerPerSec: 4 },
    });
    expect(s.stages.find((st) => st.id === 'ml-workers')!.status).not.toBe('crit');
    // The queue's wait (35 s, its backlog over its drain rate) is more than the measured 9 s p90 of
    // the requests answered: the parts are fitted into the whole, the reply queue most of it.
    expect(s.stages.find((st) => st.id === 'reply-queue')!.share).toBeGreaterThan(0.9);
    expect(s.endToEnd.explainedMs).toBeLessThanOrEqual(9000);
    expect(s.endToEnd.stagesSumMs).toBeGreaterThan(9000);
  });

  it('reply-starvation, first seconds: the lag-free counts alone raise it before the broker rates move', () => {
    const s = analyze(scenarioObservations.replyStarvationEarly);
    expect(s.bottleneck?.stageId).toBe('reply-consumers');
    expect(s.bottleneck?.reason).toContain('Reply queue: 55 ready');
  });

  it('ml-saturation: names the ML workers', () => {
    const s = analyze(scenarioObservations.mlSaturation);
    expect(s.bottleneck).toMatchObject({ stageId: 'ml-workers', queueStageId: 'request-queue' });
    expect(s.bottleneck!.recommendation).toMatchObject({ job: 'ml-inference', group: 'worker', from: 10 });
    expect(s.bottleneck!.recommendation!.to).toBeGreaterThan(12);
  });

  it('gpu-underused: no bottleneck, but the GPU insight with a packing factor', () => {
    const s = analyze(scenarioObservations.gpuUnderused);
    expect(s.bottleneck).toBeNull();
    expect(s.insights).toHaveLength(1);
    expect(s.insights[0]).toMatchObject({ kind: 'gpu-underused', stageId: 'ml-workers' });
    expect(s.insights[0]!.message).toContain('GPUs at 16% while the workers are 77% busy');
    expect(s.insights[0]!.message).toContain('packing 3 workers per GPU');
  });
});

describe('analyze: edge cases', () => {
  it.each([
    [
      'no consumers on a queue with messages',
      { ready: 5, consumers: 0, publish: 1, deliver: 0, growthPerSec: 1 },
      'reply-consumers',
      'Reply queue: 5 messages ready and no consumer draining them.',
    ],
    [
      'a deep queue that is not growing but holds requests long',
      { ready: 300, consumers: 3, publish: 12, deliver: 12, growthPerSec: 0 },
      'reply-consumers',
      'requests wait about 25 s here',
    ],
  ])('%s', (_name, replyQueue, stageId, reason) => {
    const s = analyze(
      demoObservations({
        e2eP90Ms: 5000,
        requestQueue: { ready: 0, consumers: 10, publish: 4, deliver: 4, growthPerSec: 0 },
        replyQueue,
      }),
    );
    expect(s.bottleneck?.stageId).toBe(stageId);
    expect(s.bottleneck?.reason).toContain(reason);
  });

  it('a growing queue close to its threshold is raised before it crosses', () => {
    const s = analyze(
      demoObservations({
        e2eP90Ms: 1500,
        requestQueue: { ready: 0, consumers: 10, publish: 4, deliver: 4, growthPerSec: 0 },
        replyQueue: { ready: 42, consumers: 3, publish: 16, deliver: 12, growthPerSec: 4 },
      }),
    );
    expect(s.bottleneck?.stageId).toBe('reply-consumers');
    const notGrowing = analyze(
      demoObservations({
        e2eP90Ms: 1500,
        requestQueue: { ready: 0, consumers: 10, publish: 4, deliver: 4, growthPerSec: 0 },
        replyQueue: { ready: 42, consumers: 3, publish: 12, deliver: 12, growthPerSec: 0 },
      }),
    );
    expect(notGrowing.bottleneck).toBeNull();
  });

  it('a growing queue under its threshold is an early warning, not a bottleneck', () => {
    const s = analyze(
      demoObservations({
        e2eP90Ms: 1500,
        requestQueue: { ready: 0, consumers: 10, publish: 4, deliver: 4, growthPerSec: 0 },
        replyQueue: { ready: 30, consumers: 3, publish: 5, deliver: 4, growthPerSec: 1 },
      }),
    );
    expect(s.bottleneck).toBeNull();
    expect(s.insights.map((i) => i.kind)).toEqual(['queue-growing']);
  });

  it("an SLO breach whose largest share is a queue at its threshold is pinned on the queue's consumers, with a recommendation", () => {
    const s = analyze(
      demoObservations({
        e2eP90Ms: 3800,
        requestQueue: { ready: 0, consumers: 10, publish: 16, deliver: 16, growthPerSec: 0 },
        replyQueue: { ready: 50, consumers: 3, publish: 17, deliver: 11, growthPerSec: 0.2, headAgeMs: 8000 },
      }),
    );
    expect(s.bottleneck).toMatchObject({ stageId: 'reply-consumers', queueStageId: 'reply-queue' });
    expect(s.bottleneck!.reason).toBe(
      'Reply queue: 50 ready, 3 consumers drain 11/s while 17/s arrive; requests wait about 8 s here.',
    );
    expect(s.bottleneck!.recommendation).toMatchObject({ job: 'api', group: 'reply-consumer', from: 3 });
  });

  it('an SLO breach without a queue to blame names the stage with the largest share', () => {
    const s = analyze(
      demoObservations({
        e2eP90Ms: 4000,
        inferenceP90Ms: 3500,
        requestQueue: { ready: 0, consumers: 10, publish: 4, deliver: 4, growthPerSec: 0 },
        replyQueue: { ready: 0, consumers: 3, publish: 4, deliver: 4, growthPerSec: 0 },
      }),
    );
    expect(s.bottleneck?.stageId).toBe('ml-workers');
    expect(s.bottleneck?.reason).toBe('ML workers: 3.5 s at p90, 88% of the 4 s end-to-end p90 (SLO 3 s).');
    expect(s.insights.map((i) => i.kind)).toContain('slo-breach');
  });

  it('an SLO breach on a slow stage whose input queue builds up names the queue too, with a recommendation', () => {
    const s = analyze(
      demoObservations({
        e2eP90Ms: 4200,
        inferenceP90Ms: 3500,
        requestQueue: { ready: 12, consumers: 10, publish: 10, deliver: 8, growthPerSec: 1.2 },
        replyQueue: { ready: 0, consumers: 3, publish: 3, deliver: 3, growthPerSec: 0 },
      }),
    );
    expect(s.bottleneck).toMatchObject({ stageId: 'ml-workers', queueStageId: 'request-queue' });
    expect(s.bottleneck!.reason).toMatch(
      /^ML workers: 3.5 s at p90, the largest part of the 4.2 s end-to-end p90 \(SLO 3 s\)\. ML request queue: 12 ready, 10 consumers drain 8\/s while 10\/s arrive/,
    );
    expect(s.bottleneck!.recommendation).toMatchObject({ job: 'ml-inference', group: 'worker', from: 10 });
    // The same slow stage with a steady, empty input gets no scale advice.
    const steadyInput = analyze(
      demoObservations({
        e2eP90Ms: 4200,
        inferenceP90Ms: 3500,
        requestQueue: { ready: 0, consumers: 10, publish: 3, deliver: 3, growthPerSec: 0 },
        replyQueue: { ready: 0, consumers: 3, publish: 3, deliver: 3, growthPerSec: 0 },
      }),
    );
    expect(steadyInput.bottleneck?.queueStageId).toBeUndefined();
    expect(steadyInput.bottleneck?.recommendation).toBeUndefined();
  });

  it('holds a named queue until its depth falls under half its threshold, so a depth at the line does not flicker', () => {
    const at = (ready: number, held: string | null) => {
      const obs = demoObservations({
        e2eP90Ms: 1500,
        requestQueue: { ready: 0, consumers: 10, publish: 4, deliver: 4, growthPerSec: 0 },
        replyQueue: { ready, consumers: 3, publish: 10, deliver: 10, growthPerSec: 0 },
      });
      obs.heldQueueStageId = held;
      return analyze(obs).bottleneck?.queueStageId ?? null;
    };
    // Not growing, at or just under the threshold of 50: not raised from nothing...
    expect(at(45, null)).toBeNull();
    // ...but held once raised, down to half the threshold, and cleared under it.
    expect(at(45, 'reply-queue')).toBe('reply-queue');
    expect(at(26, 'reply-queue')).toBe('reply-queue');
    expect(at(25, 'reply-queue')).toBeNull();
    // Holding one queue never hides another that is worse.
    expect(at(45, 'request-queue')).toBeNull();
  });

  it('with no data at all it reports nothing rather than guessing', () => {
    const obs = demoObservations({
      e2eP90Ms: null,
      requestQueue: { ready: 0, consumers: 0, publish: null, deliver: null, growthPerSec: 0 },
      replyQueue: { ready: 0, consumers: 0, publish: null, deliver: null, growthPerSec: 0 },
    });
    obs.queues = {};
    obs.latencies = {};
    const s = analyze(obs);
    expect(s.bottleneck).toBeNull();
    expect(s.endToEnd.pMs).toBeNull();
    expect(s.endToEnd.estimated).toBe(false);
  });

  it('without an end-to-end figure, estimates it from the queue waits and stage timings there are, and says so', () => {
    const obs = demoObservations({
      e2eP90Ms: null,
      requestQueue: { ready: 0, consumers: 10, publish: 4, deliver: 4, growthPerSec: 0 },
      replyQueue: { ready: 40, consumers: 3, publish: 10, deliver: 8, growthPerSec: 2 },
    });
    const s = analyze(obs);
    const parts = s.stages.reduce((sum, st) => sum + st.contributionMs, 0);
    expect(s.endToEnd).toMatchObject({ estimated: true, pMs: parts, explainedMs: parts, unexplainedMs: null });
    expect(s.stages.find((st) => st.id === 'ml-workers')!.contributionMs).toBe(1200);
    expect(parts).toBeGreaterThan(1200 + 310);
  });
});

describe('analysis steps', () => {
  it.each([
    [[], null],
    [[{ atMs: 0, ready: 0 }], null],
    [
      [
        { atMs: 0, ready: 0 },
        { atMs: 1000, ready: 4 },
        { atMs: 2000, ready: 8 },
      ],
      4,
    ],
    [
      [
        { atMs: 0, ready: 10 },
        { atMs: 2000, ready: 0 },
      ],
      -5,
    ],
    [
      [
        { atMs: 0, ready: 1 },
        { atMs: 0, ready: 2 },
      ],
      null,
    ],
  ])('growth of %j is %s per second', (history, expected) => {
    const g = estimateGrowthPerSec(history);
    if (expected === null) expect(g).toBeNull();
    else expect(g).toBeCloseTo(expected);
  });

  it.each([
    [{ ready: 0, drainPerSec: 0, headAgeMs: null }, 0],
    [{ ready: 120, drainPerSec: 12, headAgeMs: null }, 10_000],
    [{ ready: 120, drainPerSec: 12, headAgeMs: 15_000 }, 15_000],
    [{ ready: 120, drainPerSec: 12, headAgeMs: 400 }, 10_000],
    [{ ready: 3, drainPerSec: 15, headAgeMs: 7000 }, 200],
    [{ ready: 5, drainPerSec: 0, headAgeMs: null }, Number.POSITIVE_INFINITY],
    [{ ready: 5, drainPerSec: null, headAgeMs: null }, Number.POSITIVE_INFINITY],
  ])('queue wait of %j is %d ms', (input, expected) => {
    expect(estimateQueueWaitMs(input)).toBe(expected);
  });

  it('recommends nothing above the group maximum and stays within it', () => {
    const q = {
      stageId: 'q',
      ready: 10_000,
      consumers: 3,
      growthPerSec: 50,
      drainPerSec: 12,
      arrivalPerSec: 60,
      waitMs: 1,
      depthThreshold: 50,
    };
    const workers = { job: 'j', group: 'g', desired: 3, running: 3, scalingMin: 1, scalingMax: 20 };
    const input = { queue: q, workers, latency: undefined, nowMs: 0 };
    expect(recommendScale(input)).toMatchObject({ from: 3, to: 20 });
    expect(recommendScale(input)!.notes).toBeUndefined();
    // At 4/s a consumer, 10 cannot take 60/s: said, not hidden.
    const capped = recommendScale({ ...input, workers: { ...workers, scalingMax: 10 } })!;
    expect(capped.to).toBe(10);
    expect(capped.notes![0]).toBe("Nomad's scaling max (10) caps the group below what 60/s needs.");
    expect(recommendScale({ ...input, workers: { ...workers, desired: 20 } })).toBeUndefined();
  });
});

describe('golden snapshots', () => {
  it.each(Object.keys(scenarioObservations) as Array<keyof typeof scenarioObservations>)('%s', (name) => {
    const file = path.join(import.meta.dirname, '__golden__', `${name}.json`);
    const actual = `${JSON.stringify(analyze(scenarioObservations[name]), null, 2)}\n`;
    // A golden file is written only on request: a missing one fails (it would otherwise pass by
    // writing whatever the code produces today).
    if (process.env.UPDATE_GOLDEN === '1') writeFileSync(file, actual);
    expect(existsSync(file), `${file} is missing: run UPDATE_GOLDEN=1 npm run test:unit and review it`).toBe(true);
    expect(actual).toBe(readFileSync(file, 'utf8'));
  });
});

describe('a queue feeding two worker groups', () => {
  const twoGroups = (withTimings: boolean) => {
    const base = scenarioObservations.mlSaturation;
    const extra = {
      id: 'ocr-workers',
      kind: 'workers' as const,
      label: 'OCR workers',
      consumesFrom: 'request-queue',
      hasLatency: withTimings,
      hasGpu: false,
    };
    const stages = [...base.stages];
    stages.splice(stages.findIndex((s) => s.id === 'ml-workers') + 1, 0, extra);
    const latencies = { ...base.latencies };
    if (withTimings) latencies['ocr-workers'] = { p50Ms: 2000, p90Ms: 2600, p99Ms: 3000, atQuantileMs: 2600 };
    else delete latencies['ml-workers'];
    return { ...base, stages, latencies };
  };

  it('pins the backlog on the slower group by its median time, and says both drain it', () => {
    const s = analyze(twoGroups(true));
    expect(s.bottleneck).toMatchObject({ stageId: 'ocr-workers', queueStageId: 'request-queue' });
    expect(s.bottleneck!.reason).toContain('2 groups drain it (ML workers, OCR workers); OCR workers is the slowest');
  });

  it('without timings names the first and says it cannot tell', () => {
    const s = analyze(twoGroups(false));
    expect(s.bottleneck).toMatchObject({ stageId: 'ml-workers', queueStageId: 'request-queue' });
    expect(s.bottleneck!.reason).toContain('none has timings to say which is short');
  });
});
