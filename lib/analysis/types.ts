/**
 * The analysis' inputs (what the sources observed) and output (the snapshot, the JSON contract of
 * GET /api/topology). Units are in the names: Ms milliseconds, PerSec per second, Pct percent,
 * share 0..1.
 */
export type StageKind = 'service' | 'queue' | 'workers' | 'store';
export type SourceName = 'rabbitmq' | 'prometheus' | 'nomad';
export type SourceStatus = 'ok' | 'stale' | 'down';

export interface StageSpec {
  id: string;
  kind: StageKind;
  label: string;
  queue?: { name: string; vhost: string; depthThreshold: number };
  /** For a workers stage: the queue stage it consumes from. */
  consumesFrom?: string;
  nomad?: { job: string; group: string };
  hasLatency: boolean;
  hasGpu: boolean;
}

export interface QueueObservation {
  /** Lag-free passive declare, when AMQP checks are on. */
  check: { ready: number; consumers: number; atMs: number } | null;
  /** Management API statistics (lag up to the broker's statistics interval). */
  stats: {
    ready: number;
    unacked: number;
    consumers: number;
    publishRatePerSec: number | null;
    deliverRatePerSec: number | null;
    headAgeMs: number | null;
  } | null;
  /** Recent ready counts, oldest first, for the growth rate. */
  history: Array<{ atMs: number; ready: number }>;
}

export interface LatencyObservation {
  p50Ms: number | null;
  p90Ms: number | null;
  p99Ms: number | null;
  /** At the end-to-end quantile, for attribution. */
  atQuantileMs: number | null;
}

export interface WorkersObservation {
  job: string;
  group: string;
  desired: number;
  running: number;
  scalingMin: number | null;
  scalingMax: number | null;
}

export interface Observations {
  nowMs: number;
  pipeline: string;
  stages: StageSpec[];
  sources: Record<SourceName, { status: SourceStatus; lastOkAt: string | null; error?: string }>;
  queues: Record<string, QueueObservation>;
  latencies: Record<string, LatencyObservation>;
  gpuUtilPct: Record<string, number | null>;
  workers: Record<string, WorkersObservation>;
  endToEnd: { pMs: number | null; quantile: number; sloMs: number };
  unmonitored: UnmonitoredQueue[];
}

export interface UnmonitoredQueue {
  vhost: string;
  name: string;
  ready: number;
  consumers: number;
  publishRatePerSec: number | null;
  deliverRatePerSec: number | null;
  alert: 'no-consumers' | 'growing' | null;
}

export interface StageSnapshot {
  id: string;
  kind: StageKind;
  label: string;
  consumesFrom?: string;
  queue?: {
    ready: number;
    unacked: number;
    consumers: number;
    publishRate: number | null;
    deliverRate: number | null;
    headAgeMs?: number;
    growthPerSec: number | null;
    /** The configured depth above which the queue is watched closely. */
    depthThreshold: number;
  };
  latency?: { p50Ms: number | null; p90Ms: number | null; p99Ms: number | null };
  workers?: { job: string; group: string; desired: number; running: number };
  gpu?: { utilPct: number };
  waitMs?: number;
  contributionMs: number;
  share: number;
  status: 'ok' | 'warn' | 'crit';
}

export interface Recommendation {
  job: string;
  group: string;
  from: number;
  to: number;
  drainSeconds?: number;
}

export interface Bottleneck {
  stageId: string;
  queueStageId?: string;
  reason: string;
  recommendation?: Recommendation;
}

export interface Insight {
  kind: 'gpu-underused' | 'no-consumers' | 'queue-growing' | 'slo-breach';
  stageId?: string;
  message: string;
}

export interface Snapshot {
  generatedAt: string;
  pipeline: string;
  sources: Observations['sources'];
  stages: StageSnapshot[];
  endToEnd: { pMs: number | null; quantile: number; sloMs: number; explainedMs: number; unexplainedMs: number | null };
  bottleneck: Bottleneck | null;
  insights: Insight[];
  unmonitoredQueues: UnmonitoredQueue[];
  /** Queues the broker holds in all, when a sweep has counted them (the list above is capped). */
  unmonitoredTotal?: number;
}
