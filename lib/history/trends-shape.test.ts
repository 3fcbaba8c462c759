import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { analyze } from '../analysis/analyze';
import { scenarioObservations } from '../analysis/fixtures';
import { maxTrendPoints, maxTrendSpanMs, minTrendSpanMs } from '../contracts/trends';
import type { Snapshot } from '../contracts/snapshot';
import {
  bucketOf,
  chartedQueue,
  planBuckets,
  shapeTrends,
  workerStages,
  type BucketPlan,
  type TrendBucketRow,
  type WorkerBucketRow,
} from './trends-shape';

const t0 = Date.parse('2026-11-22T00:00:00.000Z');

/** A stored snapshot's figures, as the store reads them. */
interface Stored {
  atMs: number;
  e2eMs: number | null;
  ready: number;
  publish: number | null;
  deliver: number | null;
  consumers: number;
  running: number;
}

/** The store's aggregation, done the slow way: group by bucketOf, worst latency, most ready, mean rates, last counts. */
function aggregate(plan: BucketPlan, stored: Stored[]): { rows: TrendBucketRow[]; workerRows: WorkerBucketRow[] } {
  const groups = new Map<number, Stored[]>();
  for (const s of stored) {
    const b = bucketOf(plan, s.atMs);
    if (b >= 0) groups.set(b, [...(groups.get(b) ?? []), s]);
  }
  const mean = (xs: Array<number | null>) => {
    const known = xs.filter((x): x is number => x !== null);
    return known.length ? known.reduce((a, b) => a + b, 0) / known.length : null;
  };
  const rows: TrendBucketRow[] = [];
  const workerRows: WorkerBucketRow[] = [];
  for (const [bucket, group] of groups) {
    const last = group.reduce((a, b) => (b.atMs >= a.atMs ? b : a));
    const e2e = group.map((s) => s.e2eMs).filter((x): x is number => x !== null);
    rows.push({
      bucket,
      atMs: last.atMs,
      snapshots: group.length,
      e2eMs: e2e.length ? Math.max(...e2e) : null,
      ready: Math.max(...group.map((s) => s.ready)),
      publishPerSec: mean(group.map((s) => s.publish)),
      deliverPerSec: mean(group.map((s) => s.deliver)),
      consumers: last.consumers,
    });
    workerRows.push({ bucket, stageId: 'workers', running: last.running, desired: last.running });
  }
  return { rows, workerRows };
}

const queue = { stageId: 'q', label: 'Queue', basis: 'bottleneck' as const };
const shape = (plan: BucketPlan, rows: TrendBucketRow[], workerRows: WorkerBucketRow[]) =>
  shapeTrends({ plan, rows, workerRows, quantile: 0.9, queue, workers: [{ id: 'workers', label: 'Workers' }] });

const range = fc
  .record({
    fromMs: fc.integer({ min: t0, max: t0 + 30 * 86_400_000 }),
    spanMs: fc.oneof(
      fc.integer({ min: minTrendSpanMs, max: maxTrendSpanMs }),
      fc.constantFrom(minTrendSpanMs, 900_000, 3_600_000, 6 * 3_600_000, maxTrendSpanMs),
    ),
  })
  .map(({ fromMs, spanMs }) => planBuckets(fromMs, fromMs + spanMs));

/** Snapshots anywhere around the range (before, inside, on its edges, after), in any order, some at one time. */
const storedIn = (plan: BucketPlan) =>
  fc.array(
    fc.record({
      atMs: fc.oneof(
        fc.integer({ min: plan.fromMs - 3_600_000, max: plan.toMs + 3_600_000 }),
        fc.constantFrom(plan.fromMs, plan.toMs, plan.fromMs - 1, plan.toMs + 1),
      ),
      e2eMs: fc.option(fc.double({ min: 0, max: 120_000, noNaN: true })),
      ready: fc.nat(100_000),
      publish: fc.option(fc.double({ min: 0, max: 1000, noNaN: true })),
      deliver: fc.option(fc.double({ min: 0, max: 1000, noNaN: true })),
      consumers: fc.nat(100),
      running: fc.nat(100),
    }),
    { maxLength: 2000 },
  );

function expectBoundedOrderedWithin(plan: BucketPlan, lines: ReturnType<typeof shape>) {
  const all = [...lines.latency, ...lines.depth, ...lines.workers];
  expect(all.length).toBe(1 + 3 + 3);
  const times = all[0]!.points.map((p) => p.t);
  for (const line of all) {
    expect(line.points.length).toBeLessThanOrEqual(maxTrendPoints);
    expect(line.points.length).toBeLessThanOrEqual(plan.count);
    // One time axis: every line has a point at the same moments.
    expect(line.points.map((p) => p.t)).toEqual(times);
  }
  for (let i = 1; i < times.length; i++) expect(times[i]!).toBeGreaterThan(times[i - 1]!);
  for (const t of times) {
    expect(t * 1000).toBeGreaterThanOrEqual(plan.fromMs);
    expect(t * 1000).toBeLessThanOrEqual(plan.toMs);
  }
}

describe('planBuckets', () => {
  it('cuts any range of a minute to a day into at most 300 buckets of whole seconds or more, covering it', () => {
    fc.assert(
      fc.property(range, (plan) => {
        expect(plan.count).toBeGreaterThanOrEqual(1);
        expect(plan.count).toBeLessThanOrEqual(maxTrendPoints);
        expect(Number.isInteger(plan.bucketMs)).toBe(true);
        expect(plan.bucketMs).toBeGreaterThanOrEqual(1000);
        expect(plan.count * plan.bucketMs).toBeGreaterThanOrEqual(plan.toMs - plan.fromMs);
        expect(bucketOf(plan, plan.fromMs)).toBe(0);
        expect(bucketOf(plan, plan.toMs)).toBe(plan.count - 1);
        expect(bucketOf(plan, plan.fromMs - 1)).toBe(-1);
        expect(bucketOf(plan, plan.toMs + 1)).toBe(-1);
      }),
      { numRuns: 1000 },
    );
  });

  it.each([
    [60_000, 1000, 60],
    [900_000, 3000, 300],
    [3_600_000, 12_000, 300],
    [86_400_000, 288_000, 300],
  ])('%d ms: buckets of %d ms, %d of them', (spanMs, bucketMs, count) => {
    expect(planBuckets(t0, t0 + spanMs)).toEqual({ fromMs: t0, toMs: t0 + spanMs, bucketMs, count });
  });
});

describe('shapeTrends', () => {
  it('any range and any stored snapshots: at most N points a line, in time order, within the range, one per bucket that holds any', () => {
    fc.assert(
      fc.property(
        range.chain((plan) => fc.tuple(fc.constant(plan), storedIn(plan))),
        ([plan, stored]) => {
          const { rows, workerRows } = aggregate(plan, stored);
          const lines = shape(plan, rows, workerRows);
          expectBoundedOrderedWithin(plan, lines);
          const inside = stored.filter((s) => s.atMs >= plan.fromMs && s.atMs <= plan.toMs);
          expect(lines.storedSnapshots).toBe(inside.length);
          expect(lines.latency[0]!.points.length).toBe(new Set(inside.map((s) => bucketOf(plan, s.atMs))).size);
          // The worst latency of the range survives the downsampling.
          const worst = Math.max(-1, ...inside.map((s) => s.e2eMs ?? -1));
          const shown = Math.max(-1, ...lines.latency[0]!.points.map((p) => p.value ?? -1));
          if (worst >= 0) expect(Math.abs(shown - worst)).toBeLessThanOrEqual(0.05);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('rows the store should never send (out-of-range buckets or times, duplicates, any order) still give bounded, ordered lines within the range', () => {
    const row = fc.record({
      bucket: fc.oneof(fc.integer({ min: -5, max: 400 }), fc.double()),
      atMs: fc.oneof(fc.integer({ min: t0 - 86_400_000, max: t0 + 40 * 86_400_000 }), fc.double()),
      snapshots: fc.nat(50),
      e2eMs: fc.option(fc.double()),
      ready: fc.option(fc.double()),
      publishPerSec: fc.option(fc.double()),
      deliverPerSec: fc.option(fc.double()),
      consumers: fc.option(fc.nat()),
    });
    fc.assert(
      fc.property(range, fc.array(row, { maxLength: 800 }), (plan, rows) => {
        const lines = shape(plan, rows, []);
        expectBoundedOrderedWithin(plan, lines);
        for (const line of [...lines.latency, ...lines.depth, ...lines.workers])
          for (const p of line.points) expect(p.value === null || Number.isFinite(p.value)).toBe(true);
      }),
      {
        numRuns: 300,
        // A rate so large that rounding it to a tenth overflowed to -Infinity.
        examples: [
          [
            { fromMs: 1795305600000, toMs: 1795305660000, bucketMs: 1000, count: 60 },
            [
              {
                bucket: 0,
                atMs: 1795305600000,
                snapshots: 0,
                e2eMs: null,
                ready: null,
                publishPerSec: -1.797693134862316e307,
                deliverPerSec: null,
                consumers: null,
              },
            ],
          ],
        ],
      },
    );
  });

  it('puts each worker count on its bucket, keys desired apart, and leaves a bucket without the stage empty', () => {
    const plan = planBuckets(t0, t0 + 900_000);
    const rows: TrendBucketRow[] = [0, 1, 2].map((bucket) => ({
      bucket,
      atMs: t0 + bucket * 3000 + 2500,
      snapshots: 1,
      e2eMs: 1000 + bucket,
      ready: 10,
      publishPerSec: 5,
      deliverPerSec: 4,
      consumers: 3,
    }));
    const lines = shapeTrends({
      plan,
      rows,
      workerRows: [
        { bucket: 0, stageId: 'ml', running: 2, desired: 4 },
        { bucket: 2, stageId: 'ml', running: 4, desired: 4 },
        { bucket: 7, stageId: 'ml', running: 9, desired: 9 },
      ],
      quantile: 0.95,
      queue: null,
      workers: [{ id: 'ml', label: 'ML workers' }],
    });
    expect(lines.latency[0]!.label).toBe('end-to-end p95');
    expect(lines.depth).toEqual([]);
    expect(lines.workers.map((l) => [l.key, l.points.map((p) => p.value)])).toEqual([
      ['ml', [2, null, 4]],
      ['ml:desired', [4, null, 4]],
    ]);
    expect(lines.workers[0]!.points.map((p) => p.t)).toEqual(rows.map((r) => r.atMs / 1000));
  });
});

describe('what is charted', () => {
  const starved = analyze(scenarioObservations.replyStarvation);
  const healthy = analyze(scenarioObservations.steady);
  it('the bottleneck queue when there is one', () => {
    expect(starved.bottleneck?.queueStageId).toBe('reply-queue');
    expect(chartedQueue(starved)).toEqual({ stageId: 'reply-queue', label: expect.any(String), basis: 'bottleneck' });
  });
  it('else the queue with the most ready messages', () => {
    expect(healthy.bottleneck).toBeNull();
    const fullest = (s: Snapshot) =>
      s.stages.filter((st) => st.queue).sort((a, b) => b.queue!.ready - a.queue!.ready)[0]!.id;
    expect(chartedQueue(healthy)).toMatchObject({ stageId: fullest(healthy), basis: 'most-loaded' });
    const reordered: Snapshot = {
      ...healthy,
      stages: healthy.stages.map((st) =>
        st.id === 'request-queue' && st.queue ? { ...st, queue: { ...st.queue, ready: 1_000_000 } } : st,
      ),
    };
    expect(chartedQueue(reordered)).toMatchObject({ stageId: 'request-queue', basis: 'most-loaded' });
  });
  it('nothing without a snapshot; every worker stage with a Nomad group', () => {
    expect(chartedQueue(null)).toBeNull();
    expect(workerStages(null)).toEqual([]);
    expect(workerStages(starved).map((s) => s.id)).toEqual(['ml-workers', 'reply-consumers']);
  });
});
