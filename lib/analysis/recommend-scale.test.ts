import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { QueueDerived } from './build-stages';
import {
  assumedStartupSec,
  horizonSec,
  maxTrendFactor,
  recommendScale,
  targetDrainSec,
  targetUtilisation,
  type RecommendInput,
} from './recommend-scale';
import type { GpuMemoryObservation, WorkersObservation } from './types';
import { gpuRoom, type GpuContext } from './gpu-room';

const nowMs = 1_000_000_000;
const replyQueue: QueueDerived = {
  stageId: 'reply-queue',
  ready: 120,
  consumers: 3,
  growthPerSec: 1,
  drainPerSec: 12,
  arrivalPerSec: 13,
  waitMs: 10_000,
  depthThreshold: 50,
};
const replyConsumers: WorkersObservation = {
  job: 'api',
  group: 'reply-consumer',
  desired: 3,
  running: 3,
  scalingMin: 1,
  scalingMax: 64,
};
/** Publish-rate samples every 5 s over `minutes`, rising by `perMin` each minute up to `nowPerSec`. */
function rising(nowPerSec: number, perMin: number, minutes = 3) {
  const out: Array<{ atMs: number; perSec: number }> = [];
  for (let t = minutes * 60; t >= 0; t -= 5)
    out.push({ atMs: nowMs - t * 1000, perSec: nowPerSec - (perMin * t) / 60 });
  return out;
}
const base: RecommendInput = { queue: replyQueue, workers: replyConsumers, latency: undefined, nowMs };

describe('recommendScale: a fix that holds', () => {
  it('flat traffic: sized for the arrival rate, the backlog and what piles up during an assumed start-up', () => {
    const r = recommendScale({ ...base, arrivals: rising(13, 0) })!;
    // 13/s plus (120 ready + 1/s short of 12/s for 20 s) over 60 s, at 4/s per consumer and 70%:
    // ceil(15.33 / 2.8) = 6.
    expect(r).toMatchObject({ job: 'api', group: 'reply-consumer', from: 3, to: 6 });
    expect(r.basis).toEqual({
      arrivalPerSec: 13,
      projectedPerSec: 13,
      trendPerSecPerMin: 0,
      horizonSec,
      startupSec: assumedStartupSec,
      startupLearned: false,
      perConsumerPerSec: 4,
      targetUtilisation,
    });
  });

  it('rising traffic: sized for where it is going over the horizon, so the same moment asks for more', () => {
    const flat = recommendScale({ ...base, arrivals: rising(13, 0) })!;
    const up = recommendScale({ ...base, arrivals: rising(13, 1.5) })!;
    expect(up.basis!.trendPerSecPerMin).toBe(1.5);
    // 13/s rising 1.5/s a minute for 10 minutes: 28/s, capped at twice today's rate (26/s).
    expect(up.basis!.projectedPerSec).toBe(26);
    // Backlog: 120 ready + (13 + 1.5/60 x 20 / 2 - 12)/s x 20 s of start-up = 145.
    expect(up.to).toBe(Math.ceil((26 + 145 / targetDrainSec) / 4 / targetUtilisation));
    expect(up.to).toBeGreaterThan(flat.to);
    // The fix holds at the projected rate: capacity at the target utilisation covers it.
    expect(up.to * 4 * targetUtilisation).toBeGreaterThanOrEqual(up.basis!.projectedPerSec);
  });

  it('falling traffic or a single jump is not a trend that shrinks or inflates the fix', () => {
    const falling = recommendScale({ ...base, arrivals: rising(13, -2) })!;
    expect(falling.basis!.projectedPerSec).toBe(13);
    const jump = [
      { atMs: nowMs - 4000, perSec: 2 },
      { atMs: nowMs - 2000, perSec: 13 },
      { atMs: nowMs, perSec: 13 },
    ];
    expect(recommendScale({ ...base, arrivals: jump })!.basis!.trendPerSecPerMin).toBeNull();
  });

  it('a learned start-up time replaces the assumed one, and a slow start asks for more', () => {
    const quick = recommendScale({ ...base, workers: { ...replyConsumers, startupSec: 2 } })!;
    const slow = recommendScale({ ...base, workers: { ...replyConsumers, startupSec: 300 } })!;
    expect(quick.basis).toMatchObject({ startupSec: 2, startupLearned: true });
    expect(slow.to).toBeGreaterThan(quick.to);
    expect(slow.drainSeconds!).toBeGreaterThan(300);
  });

  it('says when the stage downstream could not take the new rate, and how far to scale it', () => {
    const ml: QueueDerived = { ...replyQueue, stageId: 'request-queue', drainPerSec: 8, arrivalPerSec: 10 };
    const workers = { ...replyConsumers, job: 'ml', group: 'worker', desired: 10, running: 10 };
    const r = recommendScale({
      ...base,
      queue: { ...ml, consumers: 10 },
      workers,
      downstream: {
        label: 'Reply queue',
        capacityPerSec: 12,
        perConsumerPerSec: 4,
        workers: { job: 'api', group: 'reply-consumer', desired: 3 },
      },
      arrivals: rising(10, 2),
    })!;
    expect(r.notes).toEqual([
      'Reply queue would then receive about 20/s but drains at most 12/s: scale reply-consumer too, from 3 to about 8.',
    ]);
  });

  it('counts, where request types join, what the other branches already send the queue downstream', () => {
    const ml: QueueDerived = { ...replyQueue, stageId: 'face-queue', drainPerSec: 5, arrivalPerSec: 6 };
    const workers = { ...replyConsumers, job: 'ml', group: 'face', desired: 5, running: 5 };
    const downstream = {
      label: 'Reply queue',
      capacityPerSec: 12,
      perConsumerPerSec: 4,
      workers: { job: 'api', group: 'reply-consumer', desired: 3 },
    };
    const input = { ...base, queue: { ...ml, consumers: 5 }, workers, arrivals: rising(6, 0.5) };
    // This group alone would stay within what the reply consumers drain...
    expect(recommendScale({ ...input, downstream })!.notes ?? []).toEqual([]);
    // ...but the OCR branch already sends 5/s there.
    const joined = recommendScale({ ...input, downstream: { ...downstream, otherInflowPerSec: 5 } })!;
    expect(joined.notes).toEqual([
      expect.stringMatching(
        /^Reply queue would then receive about 1\d(\.\d)?\/s \(5\/s of it from other request types\) but drains at most 12\/s: scale reply-consumer too/,
      ),
    ]);
  });

  it('names GPUs with room to pack, or none to spare', () => {
    expect(recommendScale({ ...base, gpuUtilPct: 18 })!.notes![0]).toContain('GPUs are at 18%: packing more workers');
    expect(recommendScale({ ...base, gpuUtilPct: 95 })!.notes![0]).toContain('GPUs are at 95%');
    expect(recommendScale({ ...base, gpuUtilPct: 60 })!.notes).toBeUndefined();
  });

  describe('GPU memory in the notes', () => {
    const ml = { ...replyConsumers, job: 'ml', group: 'worker', desired: 4, running: 4 };
    const mlQueue: QueueDerived = {
      ...replyQueue,
      stageId: 'request-queue',
      consumers: 4,
      drainPerSec: 4,
      arrivalPerSec: 6,
    };
    const gpuOf = (utilPct: number, memory: GpuMemoryObservation | null, running = 4): GpuContext => ({
      label: 'ML workers',
      utilPct,
      memory,
      room: gpuRoom({ utilPct, memory, running, busy: 1 }),
    });
    const card = (gpus: number, workerMiB: number): GpuMemoryObservation => ({
      usedMiB: gpus * workerMiB,
      totalMiB: gpus * 24_576,
      gpus,
      smallestGpuMiB: 24_576,
    });

    it.each([
      // The group's own GPUs at 20%: 4 per GPU by utilisation, 4 cards.
      ['memory has room for all the new workers', card(4, 5_120), 'GPUs are at 20%: the current GPUs take all'],
      [
        'memory 78% used: packing would not fit',
        card(4, 19_200),
        'GPUs are at 20%: GPU memory is 78% used (18.8 / 24 GiB per GPU): packing would not fit, each new worker needs a GPU of its own.',
      ],
      [
        'memory not measured',
        null,
        'GPUs are at 20%: packing more workers per GPU adds this capacity without more GPUs, if memory allows (GPU memory not measured).',
      ],
    ] as const)('the group itself: %s', (_name, memory, note) => {
      const r = recommendScale({ ...base, queue: mlQueue, workers: ml, gpuUtilPct: 20, gpu: gpuOf(20, memory) })!;
      expect(r.to).toBeGreaterThan(4);
      expect(r.notes!.some((n) => n.startsWith(note))).toBe(true);
    });

    const upstream = (gpu: GpuContext, ratePerSec: number | null = 8) =>
      recommendScale({
        ...base,
        arrivals: rising(13, 0),
        downstream: {
          label: 'ML request queue',
          capacityPerSec: 8,
          perConsumerPerSec: 2,
          workers: { job: 'ml', group: 'worker', desired: 4 },
          gpu,
          ratePerSec,
        },
      })!;

    it('a stage upstream: the ML workers would need more workers, and whether their GPUs take them', () => {
      // 6/s of pre-processing workers pushes 13/s at ML workers that drain 8/s: ceil(13/2/0.7) = 10.
      expect(upstream(gpuOf(20, card(4, 19_200))).notes![0]).toBe(
        'ML request queue would then receive about 13/s but drains at most 8/s: scale worker too, from 4 to about 10; for ML workers, GPU memory is 78% used (18.8 / 24 GiB per GPU): packing would not fit, each new worker needs a GPU of its own.',
      );
      expect(upstream(gpuOf(20, card(4, 5_120))).notes![0]).toContain(
        'for ML workers, the current GPUs take all 6 by packing (memory allows 4 per GPU)',
      );
      expect(upstream(gpuOf(20, null)).notes![0]).toContain('for ML workers, GPU memory not measured');
    });

    it("a stage upstream within the ML workers' capacity: their GPUs would run past their room", () => {
      const r = recommendScale({
        ...base,
        arrivals: rising(13, 0),
        downstream: {
          label: 'ML request queue',
          capacityPerSec: 40,
          perConsumerPerSec: 10,
          workers: { job: 'ml', group: 'worker', desired: 4 },
          gpu: gpuOf(70, card(4, 5_120)),
          ratePerSec: 8,
        },
      })!;
      expect(r.notes).toEqual(['ML workers: their GPUs would run at about 100% at 13/s (now 70%), past their room.']);
    });
  });

  it('property: any numbers give a bounded, finite count that covers the projected rate unless Nomad caps it', () => {
    const num = (max: number) => fc.option(fc.double({ min: 0, max, noNaN: true }), { nil: null });
    fc.assert(
      fc.property(
        fc.record({
          ready: fc.nat(100_000),
          consumers: fc.nat(200),
          growthPerSec: num(1000),
          drainPerSec: num(1000),
          arrivalPerSec: num(1000),
          desired: fc.nat(200),
          scalingMax: fc.option(fc.integer({ min: 1, max: 500 }), { nil: null }),
          startupSec: fc.option(fc.double({ min: 0, max: 3600, noNaN: true }), { nil: null }),
          p50Ms: fc.option(fc.integer({ min: 1, max: 60_000 }), { nil: null }),
          arrivals: fc.array(
            fc.record({
              atMs: fc.integer({ min: nowMs - 600_000, max: nowMs }),
              perSec: fc.double({ min: 0, max: 1000, noNaN: true }),
            }),
            { maxLength: 40 },
          ),
          gpu: num(100),
        }),
        (x) => {
          const arrivals = [...x.arrivals].sort((a, b) => a.atMs - b.atMs);
          const r = recommendScale({
            queue: { ...replyQueue, ...x },
            workers: { ...replyConsumers, desired: x.desired, scalingMax: x.scalingMax, startupSec: x.startupSec },
            latency: { p50Ms: x.p50Ms, p90Ms: null, p99Ms: null, atQuantileMs: null },
            arrivals,
            nowMs,
            gpuUtilPct: x.gpu,
          });
          if (!r) return;
          expect(Number.isInteger(r.to)).toBe(true);
          expect(r.to).toBeGreaterThan(r.from);
          if (x.scalingMax !== null) expect(r.to).toBeLessThanOrEqual(x.scalingMax);
          const b = r.basis!;
          for (const v of Object.values(b)) if (typeof v === 'number') expect(Number.isFinite(v)).toBe(true);
          // The basis is rounded to 0.1 (round1, monotonic): projected >= arrival survives it as
          // is; projected <= factor x arrival holds within the rounding of both, the arrival's
          // scaled by the factor (0.225/s is shown as 0.2/s and its double, 0.45/s, as 0.5/s).
          expect(b.projectedPerSec).toBeGreaterThanOrEqual(b.arrivalPerSec);
          expect(b.projectedPerSec).toBeLessThanOrEqual((b.arrivalPerSec + 0.05) * maxTrendFactor + 0.05 + 1e-9);
          if (r.to !== x.scalingMax && b.perConsumerPerSec > 0.5)
            expect(r.to * b.perConsumerPerSec * 1.05).toBeGreaterThanOrEqual(b.projectedPerSec * targetUtilisation);
          if (r.drainSeconds !== undefined) expect(Number.isFinite(r.drainSeconds)).toBe(true);
        },
      ),
      {
        numRuns: 500,
        examples: [
          [
            {
              ready: 0,
              consumers: 0,
              growthPerSec: null,
              drainPerSec: null,
              arrivalPerSec: 0.22499999999999998,
              desired: 0,
              scalingMax: null,
              startupSec: null,
              p50Ms: 1,
              arrivals: [
                { atMs: 999700000, perSec: 0 },
                { atMs: 999730000, perSec: 0.010448654284628538 },
                { atMs: 999707370, perSec: 0 },
              ],
              gpu: null,
            },
          ],
        ],
      },
    );
  });
});
