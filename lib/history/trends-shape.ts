import type { SeriesLine } from '../contracts/series';
import type { Snapshot } from '../contracts/snapshot';
import { maxTrendPoints, type TrendsView } from '../contracts/trends';
import { roundTo } from '../analysis/round';

/**
 * The pure half of the trends: how a range is cut into buckets (the store aggregates each one in
 * SQL), which queue and worker stages are charted, and the store's bucket rows shaped into lines
 * that share one time axis. No I/O.
 */

export interface BucketPlan {
  fromMs: number;
  toMs: number;
  /** Whole milliseconds, at least a second (snapshots are stored at most every second or so). */
  bucketMs: number;
  /** Buckets in the range, at most the plan's maximum; the last one also holds `toMs` itself. */
  count: number;
}

export function planBuckets(fromMs: number, toMs: number, maxPoints = maxTrendPoints): BucketPlan {
  const spanMs = Math.max(1, toMs - fromMs);
  const bucketMs = Math.max(1000, Math.ceil(spanMs / Math.max(1, Math.floor(maxPoints))));
  return { fromMs, toMs, bucketMs, count: Math.max(1, Math.ceil(spanMs / bucketMs)) };
}

/** The bucket a moment falls in (the store computes the same in SQL); -1 outside the range. */
export function bucketOf(plan: BucketPlan, atMs: number): number {
  if (!(atMs >= plan.fromMs && atMs <= plan.toMs)) return -1;
  return Math.min(plan.count - 1, Math.floor((atMs - plan.fromMs) / plan.bucketMs));
}

/** One bucket of snapshots as the store aggregates it; `atMs` is the bucket's last snapshot's time. */
export interface TrendBucketRow {
  bucket: number;
  atMs: number;
  snapshots: number;
  /** Worst end-to-end latency in the bucket. */
  e2eMs: number | null;
  /** The charted queue: most ready messages, mean publish and deliver rates, the last consumer count. */
  ready: number | null;
  publishPerSec: number | null;
  deliverPerSec: number | null;
  consumers: number | null;
}

/** One worker stage in one bucket: its counts in the bucket's last snapshot. */
export interface WorkerBucketRow {
  bucket: number;
  stageId: string;
  running: number | null;
  desired: number | null;
}

export type ChartedQueue = NonNullable<TrendsView['queue']>;

/**
 * The queue to chart, from the snapshot at the end of the range: the bottleneck's queue (or the
 * bottleneck itself when it is a queue), else the queue holding the most ready messages (ties: the
 * one nearer the pipeline's entrance); null without queues.
 */
export function chartedQueue(snapshot: Snapshot | null): ChartedQueue | null {
  if (!snapshot) return null;
  const queues = snapshot.stages.filter((s) => s.queue);
  const b = snapshot.bottleneck;
  const named = b ? queues.find((s) => s.id === (b.queueStageId ?? b.stageId)) : undefined;
  if (named) return { stageId: named.id, label: named.label, basis: 'bottleneck' };
  let most: (typeof queues)[number] | undefined;
  for (const s of queues) if (!most || s.queue!.ready > most.queue!.ready) most = s;
  return most ? { stageId: most.id, label: most.label, basis: 'most-loaded' } : null;
}

/** The worker stages with worker counts (a Nomad group) in the snapshot at the end of the range. */
export function workerStages(snapshot: Snapshot | null): Array<{ id: string; label: string }> {
  return (snapshot?.stages ?? [])
    .filter((s) => s.kind === 'workers' && s.workers)
    .map((s) => ({ id: s.id, label: s.label }));
}

const round = (v: number | null) => (v === null || !Number.isFinite(v) ? null : roundTo(v, 1));

/**
 * The lines: one point per bucket the store returned, at the bucket's last snapshot's time (Unix
 * seconds), in time order, within the range, at most `plan.count` of them. Rows outside the plan
 * (a bucket number or a time out of range) are dropped, and two rows for one bucket keep the later.
 */
export function shapeTrends(input: {
  plan: BucketPlan;
  rows: TrendBucketRow[];
  workerRows: WorkerBucketRow[];
  quantile: number | null;
  queue: ChartedQueue | null;
  workers: Array<{ id: string; label: string }>;
}): Pick<TrendsView, 'latency' | 'depth' | 'workers' | 'storedSnapshots'> {
  const { plan } = input;
  const byBucket = new Map<number, TrendBucketRow>();
  for (const row of input.rows) {
    const valid =
      Number.isInteger(row.bucket) &&
      row.bucket >= 0 &&
      row.bucket < plan.count &&
      row.atMs >= plan.fromMs &&
      row.atMs <= plan.toMs;
    if (!valid) continue;
    const seen = byBucket.get(row.bucket);
    if (!seen || row.atMs > seen.atMs) byBucket.set(row.bucket, row);
  }
  // Bucket order is time order only within a bucket's bounds; sorting by time makes it certain.
  const buckets = [...byBucket.values()]
    .sort((a, b) => a.atMs - b.atMs || a.bucket - b.bucket)
    .filter((r, i, all) => i === 0 || r.atMs > all[i - 1]!.atMs);
  const times = new Map(buckets.map((r) => [r.bucket, r.atMs / 1000]));
  const line = (key: string, label: string, unit: SeriesLine['unit'], pick: (r: TrendBucketRow) => number | null) => ({
    key,
    label,
    unit,
    points: buckets.map((r) => ({ t: r.atMs / 1000, value: round(pick(r)) })),
  });
  const workerLine = (id: string, label: string, which: 'running' | 'desired'): SeriesLine => {
    const values = new Map<number, number | null>();
    for (const w of input.workerRows) if (w.stageId === id && times.has(w.bucket)) values.set(w.bucket, w[which]);
    return {
      key: which === 'running' ? id : `${id}:desired`,
      label: `${label} ${which}`,
      unit: 'count',
      points: buckets.map((r) => ({ t: times.get(r.bucket)!, value: round(values.get(r.bucket) ?? null) })),
    };
  };
  const q = input.queue;
  return {
    storedSnapshots: buckets.reduce((n, r) => n + r.snapshots, 0),
    latency: [
      line(
        'e2e',
        input.quantile === null ? 'end-to-end' : `end-to-end p${Math.round(input.quantile * 100)}`,
        'ms',
        (r) => r.e2eMs,
      ),
    ],
    depth: q
      ? [
          line('ready', `${q.label} ready`, 'messages', (r) => r.ready),
          line('publish', 'arrival (publish)', 'perSec', (r) => r.publishPerSec),
          line('deliver', 'drain (deliver)', 'perSec', (r) => r.deliverPerSec),
        ]
      : [],
    workers: [
      ...input.workers.flatMap((w) => [workerLine(w.id, w.label, 'running'), workerLine(w.id, w.label, 'desired')]),
      ...(q ? [line('consumers', `${q.label} consumers`, 'count', (r) => r.consumers)] : []),
    ],
  };
}
