import type { SourceName, SourceState, StageKind, UnmonitoredQueue } from '../contracts/snapshot';

/**
 * The analysis' inputs: what the sources observed. Its output, the snapshot, is a contract
 * (lib/contracts/snapshot.ts). Units are in the names: Ms milliseconds, PerSec per second, Pct
 * percent, share 0..1.
 */

export interface StageSpec {
  id: string;
  kind: StageKind;
  label: string;
  queue?: { name: string; vhost: string; depthThreshold: number };
  /** For a workers stage: the queue stage it consumes from. */
  consumesFrom?: string;
  /** The stages a request comes from, when not the one listed before (branches: request types). */
  after?: string[];
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
    /** RabbitMQ's consumer capacity, 0..1 (absent from older observations). */
    consumerCapacity?: number | null;
    redeliverRatePerSec?: number | null;
    /** The consumers' prefetch, when known. */
    prefetch?: number | null;
    /** Length limits (lower of argument and policy) and the overflow mode; null without a limit. */
    maxLength?: number | null;
    maxLengthBytes?: number | null;
    readyBytes?: number | null;
    overflow?: string | null;
    /** The dead-letter exchange ('' the default one) and routing key; null when none. */
    deadLetterExchange?: string | null;
    deadLetterRoutingKey?: string | null;
    /** Rejected by consumers with requeue=false, estimated from the queue's rates. */
    rejectedByConsumersPerSec?: number | null;
    /** Publishers throttled in the queue's vhost and the broker's alarms (one connections read a cycle). */
    publishers?: {
      flow: number;
      blocked: number;
      blocking: number;
      memoryAlarm: boolean;
      diskAlarm: boolean;
    } | null;
  } | null;
  /** Recent ready counts, oldest first, for the growth rate. */
  history: Array<{ atMs: number; ready: number }>;
  /** The broker's publish rate over the last minutes, oldest first, for the arrival trend. */
  arrivals?: Array<{ atMs: number; perSec: number }>;
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
  /** The group's scaling block names a policy: an autoscaler may manage it (when enabled). */
  autoscaler?: { enabled: boolean; min: number | null; max: number } | null;
  /** How long new workers of this group took to run after a scale up (median of the last few), when seen. */
  startupSec?: number | null;
}

/**
 * A worker stage's GPU memory, summed over its GPUs (one series per GPU), in MiB. `smallestGpuMiB`:
 * the smallest card's total, which bounds how many workers fit on every GPU.
 */
export interface GpuMemoryObservation {
  usedMiB: number;
  totalMiB: number;
  gpus: number;
  smallestGpuMiB: number;
}

export interface Observations {
  nowMs: number;
  pipeline: string;
  stages: StageSpec[];
  sources: Record<SourceName, SourceState>;
  queues: Record<string, QueueObservation>;
  latencies: Record<string, LatencyObservation>;
  gpuUtilPct: Record<string, number | null>;
  /** Per worker stage with gpuMemory configured; null (or absent) while unknown. */
  gpuMemory?: Record<string, GpuMemoryObservation | null>;
  workers: Record<string, WorkersObservation>;
  endToEnd: { pMs: number | null; quantile: number; sloMs: number };
  unmonitored: UnmonitoredQueue[];
  /**
   * The queue named the bottleneck in the previous snapshot, if any: it stays named until its
   * depth falls under half its threshold, so that a depth hovering at the line does not make the
   * verdict (and the timeline) flicker between raised and cleared.
   */
  heldQueueStageId?: string | null;
}
