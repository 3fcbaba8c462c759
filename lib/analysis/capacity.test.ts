import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CapacityPlan } from '../contracts/capacity';
import type { Snapshot, StageSnapshot } from '../contracts/snapshot';
import { analyze } from './analyze';
import { planCapacity } from './capacity';
import { workerSlack, workersFor } from './sizing';
import { scenarioObservations } from './fixtures';
import { targetUtilisation } from './sizing';

type QueueFigures = Partial<NonNullable<StageSnapshot['queue']>>;

const queueStage = (id: string, q: QueueFigures | null): StageSnapshot => ({
  id,
  kind: 'queue',
  label: id,
  ...(q && {
    queue: {
      ready: 0,
      unacked: 0,
      consumers: 0,
      publishRate: null,
      deliverRate: null,
      growthPerSec: 0,
      depthThreshold: 50,
      ...q,
    },
  }),
  contributionMs: 0,
  share: 0,
  status: 'ok',
});

const workerStage = (
  id: string,
  consumesFrom: string,
  extra: { running?: number; p50Ms?: number | null } = {},
): StageSnapshot => ({
  id,
  kind: 'workers',
  label: id,
  consumesFrom,
  ...(extra.running !== undefined && {
    workers: { job: 'j', group: id, desired: extra.running, running: extra.running },
  }),
  ...(extra.p50Ms !== undefined && { latency: { p50Ms: extra.p50Ms, p90Ms: null, p99Ms: null } }),
  contributionMs: 0,
  share: 0,
  status: 'ok',
});

function snapshotOf(stages: StageSnapshot[]): Snapshot {
  const ok = { status: 'ok' as const, lastOkAt: '2026-11-22T09:42:00.000Z' };
  return {
    generatedAt: '2026-11-22T09:42:00.000Z',
    pipeline: 'test',
    sources: { rabbitmq: ok, prometheus: ok, nomad: ok },
    stages: [{ id: 'api', kind: 'service', label: 'API', contributionMs: 0, share: 0, status: 'ok' }, ...stages],
    endToEnd: { pMs: null, quantile: 0.9, sloMs: 3000, explainedMs: 0, unexplainedMs: null },
    bottleneck: null,
    insights: [],
    unmonitoredQueues: [],
  };
}

const pick = (plan: CapacityPlan, stageId: string) => {
  const s = plan.stages.find((x) => x.stageId === stageId);
  if (!s) throw new Error(`no ${stageId} in the plan`);
  return {
    perWorkerPerSec: s.perWorkerPerSec,
    basis: s.basis,
    loadRatio: s.loadRatio,
    loadRatioAssumed: s.loadRatioAssumed,
    currentWorkers: s.currentWorkers,
    neededWorkers: s.neededWorkers,
    delta: s.delta,
  };
};

describe('planCapacity: the demo scenarios', () => {
  it('reply starvation at 16/s: the reply consumers measured at 12/s over 3, the ML workers at 16/s over 10', () => {
    const plan = planCapacity(analyze(scenarioObservations.replyStarvation), 16);
    expect(plan).toMatchObject({
      pipeline: 'demo-kyc',
      requestsPerSec: 16,
      entranceRatePerSec: 16,
      entranceStageId: 'request-queue',
      targetUtilisation: 0.7,
    });
    expect(plan.stages.map((s) => s.stageId)).toEqual(['ml-workers', 'reply-consumers']);
    // 16 / 4 per worker / 0.7 = 5.7 -> 6.
    expect(pick(plan, 'reply-consumers')).toEqual({
      perWorkerPerSec: 4,
      basis: 'measured',
      loadRatio: 1,
      loadRatioAssumed: false,
      currentWorkers: 3,
      neededWorkers: 6,
      delta: 3,
    });
    // 16 / 1.6 / 0.7 = 14.3 -> 15: a floor, since the ML workers were not saturated.
    expect(pick(plan, 'ml-workers')).toMatchObject({ perWorkerPerSec: 1.6, basis: 'measured', neededWorkers: 15 });
    expect(plan.stages.find((s) => s.stageId === 'ml-workers')!.saturated).toBe(false);
    expect(plan.stages.find((s) => s.stageId === 'reply-consumers')!.saturated).toBe(true);
    expect(plan.stages.find((s) => s.stageId === 'reply-consumers')!.explanation).toBe('12/s delivered over 3 workers');
    expect(CapacityPlan.parse(plan)).toEqual(plan);
  });

  it('ML saturation: the reply queue sees 8.3 of every 10 requests (ratio measured, not 1)', () => {
    const plan = planCapacity(analyze(scenarioObservations.mlSaturation), 100);
    expect(pick(plan, 'reply-consumers').loadRatio).toBeCloseTo(0.83, 10);
    expect(pick(plan, 'reply-consumers').loadRatioAssumed).toBe(false);
    // 83/s over 8.3/3 per worker at 0.7: 42.86 -> 43.
    expect(pick(plan, 'reply-consumers').neededWorkers).toBe(43);
    // 100/s over 0.83 per worker at 0.7: 172.1 -> 173.
    expect(pick(plan, 'ml-workers').neededWorkers).toBe(173);
  });
});

describe('planCapacity: table', () => {
  const rq = (q: QueueFigures | null) => queueStage('rq', q);
  const fan = (q: QueueFigures | null) => queueStage('fan', q);
  type Row = {
    name: string;
    stages: StageSnapshot[];
    rps: number;
    stageId: string;
    want: ReturnType<typeof pick>;
    explanation?: string;
  };
  const rows: Row[] = [
    {
      name: 'measured: delivery rate over Nomad running',
      stages: [rq({ publishRate: 20, deliverRate: 20, consumers: 5 }), workerStage('w', 'rq', { running: 4 })],
      rps: 40,
      stageId: 'w',
      // 5 per worker; 40 / 5 / 0.7 = 11.4 -> 12.
      want: {
        perWorkerPerSec: 5,
        basis: 'measured',
        loadRatio: 1,
        loadRatioAssumed: false,
        currentWorkers: 4,
        neededWorkers: 12,
        delta: 8,
      },
    },
    {
      name: 'measured without Nomad: the queue consumers count the workers',
      stages: [rq({ publishRate: 20, deliverRate: 20, consumers: 5 }), workerStage('w', 'rq')],
      rps: 20,
      stageId: 'w',
      want: {
        perWorkerPerSec: 4,
        basis: 'measured',
        loadRatio: 1,
        loadRatioAssumed: false,
        currentWorkers: 5,
        neededWorkers: 8,
        delta: 3,
      },
    },
    {
      name: 'fan-out: a stage behind a queue publishing 3 per request sees 3x the load',
      stages: [
        rq({ publishRate: 10, deliverRate: 10, consumers: 2 }),
        workerStage('split', 'rq', { running: 2 }),
        fan({ publishRate: 30, deliverRate: 30, consumers: 6 }),
        workerStage('w', 'fan', { running: 6 }),
      ],
      rps: 10,
      stageId: 'w',
      // 30/s over 5 per worker at 0.7: 8.57 -> 9.
      want: {
        perWorkerPerSec: 5,
        basis: 'measured',
        loadRatio: 3,
        loadRatioAssumed: false,
        currentWorkers: 6,
        neededWorkers: 9,
        delta: 3,
      },
    },
    {
      name: 'no rates yet: 1000 / p50, ratio assumed 1',
      stages: [rq({ consumers: 3 }), workerStage('w', 'rq', { running: 3, p50Ms: 250 })],
      rps: 14,
      stageId: 'w',
      want: {
        perWorkerPerSec: 4,
        basis: 'latency',
        loadRatio: 1,
        loadRatioAssumed: true,
        currentWorkers: 3,
        neededWorkers: 5,
        delta: 2,
      },
      explanation: '1 s over a p50 of 250 ms (the broker has no delivery rate yet)',
    },
    {
      name: 'zero traffic: 1000 / p50 rather than 0 per worker',
      stages: [
        rq({ publishRate: 0, deliverRate: 0, consumers: 2 }),
        workerStage('w', 'rq', { running: 2, p50Ms: 500 }),
      ],
      rps: 7,
      stageId: 'w',
      // 7 / 2 / 0.7 = 5 exactly (10.000000000000002 / 2 in floating point).
      want: {
        perWorkerPerSec: 2,
        basis: 'latency',
        loadRatio: 1,
        loadRatioAssumed: true,
        currentWorkers: 2,
        neededWorkers: 5,
        delta: 3,
      },
      explanation: '1 s over a p50 of 500 ms (no traffic to measure)',
    },
    {
      name: 'no basis: no queue figures and no latency, no number invented',
      stages: [rq(null), workerStage('w', 'rq', { running: 2 })],
      rps: 10,
      stageId: 'w',
      want: {
        perWorkerPerSec: null,
        basis: 'unknown',
        loadRatio: 1,
        loadRatioAssumed: true,
        currentWorkers: 2,
        neededWorkers: null,
        delta: null,
      },
      explanation: 'no queue figures and no p50 latency: no throughput per worker to plan from',
    },
    {
      name: 'no basis and nothing counted: a null latency, no Nomad, a missing queue',
      stages: [workerStage('w', 'nowhere', { p50Ms: null })],
      rps: 10,
      stageId: 'w',
      want: {
        perWorkerPerSec: null,
        basis: 'unknown',
        loadRatio: 1,
        loadRatioAssumed: true,
        currentWorkers: null,
        neededWorkers: null,
        delta: null,
      },
    },
    {
      name: 'Nomad says 0 running while the queue has consumers: the consumers count',
      stages: [rq({ publishRate: 6, deliverRate: 6, consumers: 3 }), workerStage('w', 'rq', { running: 0 })],
      rps: 6,
      stageId: 'w',
      want: {
        perWorkerPerSec: 2,
        basis: 'measured',
        loadRatio: 1,
        loadRatioAssumed: false,
        currentWorkers: 3,
        neededWorkers: 5,
        delta: 2,
      },
    },
    {
      name: 'a downstream queue with no publish rate: ratio assumed 1',
      stages: [
        rq({ publishRate: 10, deliverRate: 10, consumers: 2 }),
        fan({ deliverRate: 8, consumers: 2 }),
        workerStage('w', 'fan', { running: 2 }),
      ],
      rps: 10,
      stageId: 'w',
      want: {
        perWorkerPerSec: 4,
        basis: 'measured',
        loadRatio: 1,
        loadRatioAssumed: true,
        currentWorkers: 2,
        neededWorkers: 4,
        delta: 2,
      },
    },
    {
      name: 'a stage that sees no traffic of all that enters needs none',
      stages: [
        rq({ publishRate: 10, deliverRate: 10, consumers: 2 }),
        fan({ publishRate: 0, deliverRate: 0, consumers: 1 }),
        workerStage('w', 'fan', { running: 1, p50Ms: 100 }),
      ],
      rps: 50,
      stageId: 'w',
      want: {
        perWorkerPerSec: 10,
        basis: 'latency',
        loadRatio: 0,
        loadRatioAssumed: false,
        currentWorkers: 1,
        neededWorkers: 0,
        delta: -1,
      },
    },
  ];

  it.each(rows)('$name', ({ stages, rps, stageId, want, explanation }) => {
    const plan = planCapacity(snapshotOf(stages), rps);
    expect(pick(plan, stageId)).toEqual(want);
    if (explanation) expect(plan.stages.find((s) => s.stageId === stageId)!.explanation).toBe(explanation);
    expect(CapacityPlan.safeParse(plan).success).toBe(true);
  });

  it('the entrance is the first queue stage, even when it has no figures', () => {
    const plan = planCapacity(
      snapshotOf([rq(null), workerStage('w', 'rq'), fan({ publishRate: 9 }), workerStage('v', 'fan')]),
      5,
    );
    expect(plan.entranceStageId).toBe('rq');
    expect(plan.entranceRatePerSec).toBeNull();
    expect(pick(plan, 'v').loadRatioAssumed).toBe(true);
  });

  it('two request types enter by two queues: their rates add up, and each branch carries its share', () => {
    const plan = planCapacity(
      snapshotOf([
        queueStage('face-q', { publishRate: 6, deliverRate: 6, consumers: 3 }),
        workerStage('face', 'face-q', { running: 3 }),
        { ...queueStage('ocr-q', { publishRate: 2, deliverRate: 2, consumers: 2 }), after: ['api'] },
        workerStage('ocr', 'ocr-q', { running: 2 }),
        {
          ...queueStage('replies', { publishRate: 8, deliverRate: 8, consumers: 4 }),
          after: ['face', 'ocr'],
        },
        workerStage('consumers', 'replies', { running: 4 }),
      ]),
      16,
    );
    expect(plan.entranceRatePerSec).toBe(8);
    expect(pick(plan, 'face').loadRatio).toBe(0.75);
    expect(pick(plan, 'ocr').loadRatio).toBe(0.25);
    expect(pick(plan, 'consumers').loadRatio).toBe(1);
  });

  it('a pipeline without worker stages plans nothing', () => {
    expect(planCapacity(snapshotOf([rq({ publishRate: 3 })]), 10).stages).toEqual([]);
  });
});

describe('workersFor', () => {
  it.each([
    { load: 0, perWorker: 3, want: 0 },
    { load: 0.001, perWorker: 1000, want: 1 },
    // 7 / 0.7 is 10.000000000000002 in floating point; ten workers do carry 7/s at 70%.
    { load: 7, perWorker: 1, want: 10 },
    { load: 7.000001, perWorker: 1, want: 11 },
    { load: 21, perWorker: 3, want: 10 },
    { load: 16, perWorker: 4, want: 6 },
    { load: 1e5, perWorker: 1e-300, want: null },
  ])('$load/s at $perWorker per worker: $want', ({ load, perWorker, want }) => {
    expect(workersFor(load, perWorker)).toBe(want);
  });
});

// Snapshots with any figure missing, zero, negative, tiny or huge: what a half-configured
// estate or a broker that has just restarted sends.
const figure = fc.oneof(
  fc.constant(null),
  fc.constant(0),
  fc.double({ min: -5, max: 1e7, noNaN: true }),
  fc.constantFrom(1e-300, 5e-324, 1e300, Number.MAX_VALUE),
);
const count = fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 500 }), fc.double({ min: 0, max: 1e6, noNaN: true }));
const ids = ['q0', 'q1', 'q2'];
const arbQueue = (id: string) =>
  fc
    .record({
      present: fc.boolean(),
      consumers: count,
      publishRate: figure,
      deliverRate: figure,
      saturation: fc.constantFrom(undefined, 'saturated', 'keeping-up', 'idle', 'no-consumers'),
    })
    .map(({ present, consumers, publishRate, deliverRate, saturation }) => {
      const stage = queueStage(id, present ? { consumers, publishRate, deliverRate } : null);
      if (stage.queue && saturation)
        stage.queue.verdict = {
          drainSeconds: null,
          headAgeMs: null,
          headAgeEstimated: false,
          consumerCapacity: null,
          unackedLimit: null,
          saturation,
          redeliveredShare: null,
          summary: '',
        };
      return stage;
    });
const arbWorkers = (i: number) =>
  fc
    .record({
      consumesFrom: fc.constantFrom(...ids, 'missing'),
      running: fc.option(count, { nil: undefined }),
      p50Ms: fc.option(figure, { nil: undefined }),
    })
    .map(({ consumesFrom, running, p50Ms }) => workerStage(`w${i}`, consumesFrom, { running, p50Ms }));
const arbSnapshot = fc
  .tuple(...ids.map(arbQueue), ...[0, 1, 2].map(arbWorkers))
  .chain((stages) => fc.shuffledSubarray(stages, { minLength: 0, maxLength: stages.length }))
  .map(snapshotOf);
const arbRps = fc.double({ min: 1e-6, max: 100_000, noNaN: true });

describe('planCapacity: properties over any snapshot', () => {
  const runs = { numRuns: 500 };

  it('never NaN or Infinity, and always within the contract', () => {
    fc.assert(
      fc.property(arbSnapshot, arbRps, (snapshot, rps) => {
        const plan = planCapacity(snapshot, rps);
        expect(CapacityPlan.safeParse(plan).success).toBe(true);
        const numbers = JSON.stringify(plan, (_k, v: unknown) => {
          if (typeof v === 'number' && !Number.isFinite(v)) throw new Error(`not finite: ${v}`);
          return v;
        });
        expect(numbers).toBeTypeOf('string');
        for (const s of plan.stages) {
          expect(s.basis === 'unknown').toBe(s.perWorkerPerSec === null);
          if (s.basis !== 'unknown') expect(s.perWorkerPerSec).toBeGreaterThan(0);
          if (s.neededWorkers !== null) expect(Number.isInteger(s.neededWorkers)).toBe(true);
          if (s.loadPerSec > 0 && s.neededWorkers !== null) expect(s.neededWorkers).toBeGreaterThanOrEqual(1);
        }
      }),
      runs,
    );
  });

  it('enough workers: needed x per worker x 0.7 carries the load', () => {
    fc.assert(
      fc.property(arbSnapshot, arbRps, (snapshot, rps) => {
        for (const s of planCapacity(snapshot, rps).stages) {
          if (s.neededWorkers === null || s.perWorkerPerSec === null) continue;
          // Up to the billionth of a worker forgiven for floating point, and a rounding of the product.
          const carried = s.neededWorkers * s.perWorkerPerSec * targetUtilisation;
          const slack = workerSlack * s.perWorkerPerSec * targetUtilisation;
          expect(carried).toBeGreaterThanOrEqual(s.loadPerSec * (1 - 1e-12) - slack);
        }
      }),
      runs,
    );
  });

  it('more requests never need fewer workers', () => {
    fc.assert(
      fc.property(arbSnapshot, arbRps, arbRps, (snapshot, a, b) => {
        const [lo, hi] = a <= b ? [a, b] : [b, a];
        const low = planCapacity(snapshot, lo).stages;
        const high = planCapacity(snapshot, hi).stages;
        for (const [i, s] of low.entries()) {
          const t = high[i]!;
          expect(t.basis).toBe(s.basis);
          if (s.basis === 'unknown') continue;
          // Null with a basis: more workers than can be counted, the most there is.
          expect(t.neededWorkers ?? Infinity).toBeGreaterThanOrEqual(s.neededWorkers ?? Infinity);
        }
      }),
      runs,
    );
  });
});
