import { z } from 'zod';

/**
 * The snapshot: what GET /api/topology and the snapshot events of /api/stream send, one analysis
 * of the pipeline. Units are in the names: Ms milliseconds, PerSec per second, Pct percent, share
 * 0..1. Times are ISO 8601 strings. Sent by the server, so objects let extra fields through (an
 * older page keeps working against a newer server).
 */
export const StageKind = z.enum(['service', 'queue', 'workers', 'store']);
export type StageKind = z.infer<typeof StageKind>;

export const SourceName = z.enum(['rabbitmq', 'prometheus', 'nomad']);
export type SourceName = z.infer<typeof SourceName>;

export const SourceStatus = z.enum(['ok', 'stale', 'down']);
export type SourceStatus = z.infer<typeof SourceStatus>;

/** One source's health: `lastOkAt` is null until it has answered once. */
export const SourceState = z.object({
  status: SourceStatus,
  lastOkAt: z.string().nullable(),
  error: z.string().optional(),
});
export type SourceState = z.infer<typeof SourceState>;

/** A queue the broker holds that no stage watches. */
export const UnmonitoredQueue = z.object({
  vhost: z.string(),
  name: z.string(),
  ready: z.number(),
  consumers: z.number(),
  publishRatePerSec: z.number().nullable(),
  deliverRatePerSec: z.number().nullable(),
  alert: z.enum(['no-consumers', 'growing']).nullable(),
});
export type UnmonitoredQueue = z.infer<typeof UnmonitoredQueue>;

/** A queue stage's verdict in numbers (lib/analysis/queue-verdict.ts says how each is found). */
export const QueueVerdict = z.object({
  /** Seconds until empty at the current net rate; 0 when empty; null when it is not draining. */
  drainSeconds: z.number().nullable(),
  /** The oldest ready message's age: measured (AMQP timestamps) or, when `headAgeEstimated`, estimated. */
  headAgeMs: z.number().nullable(),
  headAgeEstimated: z.boolean(),
  /** RabbitMQ's consumer capacity, 0..1: the share of time consumers could take a message at once. */
  consumerCapacity: z.number().nullable(),
  /** Consumers x prefetch: the most messages the consumers may hold unacknowledged. */
  unackedLimit: z.number().nullable(),
  saturation: z.enum(['saturated', 'keeping-up', 'idle', 'no-consumers']),
  /** Redeliveries over deliveries, 0..1. */
  redeliveredShare: z.number().nullable(),
  /*
   * Backpressure and load shedding; each absent in snapshots stored before it existed, and when
   * it does not apply. RabbitMQ 3.10 counts no per-queue drops or dead letters, so the rates are
   * differences of the queue's own broker rates (lib/sources/rabbitmq/management-client.ts).
   */
  /** The queue's length limit (lower of argument and policy) and what it does when full. */
  limit: z
    .object({
      maxLength: z.number().nullable(),
      maxLengthBytes: z.number().nullable(),
      /** drop-head, reject-publish or reject-publish-dlx (open: a newer server may add one). */
      overflow: z.string(),
      /** The fuller of messages and bytes against their limit, percent (may pass 100 briefly). */
      fullPct: z.number(),
      /** At its limit: new messages are rejected, or the oldest dropped. */
      shedding: z.boolean(),
      /** Messages dropped or rejected per second at the limit (arrivals minus deliveries); null when unknown. */
      shedPerSec: z.number().nullable(),
    })
    .optional(),
  /** Consumers' rejections with requeue=false, per second (dead-lettered or, without a dead-letter exchange, lost). */
  rejectedByConsumersPerSec: z.number().nullable().optional(),
  /** Where the queue dead-letters ('' is the default exchange, routed by `routingKey`), and how fast. */
  deadLetter: z
    .object({ exchange: z.string(), routingKey: z.string().nullable(), perSec: z.number().nullable() })
    .optional(),
  /** Connections in the queue's vhost whose publishing is held back, and any broker resource alarm. */
  publishers: z
    .object({
      /** Credit flow: the broker throttles them because something downstream cannot keep up. */
      flow: z.number(),
      /** Stopped (blocked) or to be stopped at their next publish (blocking) by a resource alarm. */
      blocked: z.number(),
      blocking: z.number(),
      alarm: z.enum(['memory', 'disk', 'memory-and-disk']).nullable(),
    })
    .optional(),
  /** The verdict in one line, for the node. */
  summary: z.string(),
});
export type QueueVerdict = z.infer<typeof QueueVerdict>;

export const StageSnapshot = z.object({
  id: z.string(),
  kind: StageKind,
  label: z.string(),
  /** For a workers stage: the queue stage it consumes from. */
  consumesFrom: z.string().optional(),
  /** The stages a request comes from, when not the one listed before (request types branching). */
  after: z.array(z.string()).min(1).optional(),
  queue: z
    .object({
      /** What the queue's numbers say (absent in snapshots stored before it existed). */
      verdict: QueueVerdict.optional(),
      ready: z.number(),
      unacked: z.number(),
      consumers: z.number(),
      /** Messages per second (the names predate the unit convention). */
      publishRate: z.number().nullable(),
      deliverRate: z.number().nullable(),
      headAgeMs: z.number().optional(),
      growthPerSec: z.number().nullable(),
      /** The configured depth above which the queue is watched closely. */
      depthThreshold: z.number(),
    })
    .optional(),
  latency: z
    .object({ p50Ms: z.number().nullable(), p90Ms: z.number().nullable(), p99Ms: z.number().nullable() })
    .optional(),
  workers: z
    .object({
      job: z.string(),
      group: z.string(),
      desired: z.number(),
      running: z.number(),
      /** The group's Nomad scaling policy, when it has one: an autoscaler may change the count. */
      autoscaler: z.object({ enabled: z.boolean(), min: z.number().nullable(), max: z.number() }).optional(),
    })
    .optional(),
  /**
   * The stage's GPUs: utilisation (mean over them), and, when a memory query measures it, memory
   * summed over the GPUs in MiB with the per-worker share (used over the running workers), and how
   * many workers fit per GPU (lib/analysis/gpu-room.ts). `memory` and `room` are absent when not
   * measured, and in snapshots stored before they existed.
   */
  gpu: z
    .object({
      utilPct: z.number(),
      memory: z
        .object({
          usedMiB: z.number(),
          totalMiB: z.number(),
          gpus: z.number(),
          /** The smallest GPU's memory: what bounds the workers per GPU. */
          perGpuTotalMiB: z.number(),
          /** Used over the running workers; null without a worker count. */
          perWorkerMiB: z.number().nullable(),
        })
        .optional(),
      room: z
        .object({
          /** Running workers over GPUs; null when the GPUs are not counted (one each is assumed). */
          workersPerGpu: z.number().nullable(),
          /** Most workers per GPU at the packed utilisation target; by the memory they take. */
          byUtilisation: z.number().nullable(),
          byMemory: z.number().nullable(),
          /** The lower of the two known: what packing may go up to. */
          perGpu: z.number().nullable(),
          binding: z.enum(['utilisation', 'memory']).nullable(),
          memoryMeasured: z.boolean(),
          summary: z.string(),
        })
        .optional(),
    })
    .optional(),
  waitMs: z.number().optional(),
  /** This stage's part of the end-to-end latency, in ms and as a share 0..1. */
  contributionMs: z.number(),
  share: z.number(),
  status: z.enum(['ok', 'warn', 'crit']),
});
export type StageSnapshot = z.infer<typeof StageSnapshot>;

/**
 * Scale `job/group` from one worker count to another; `drainSeconds` when a backlog can be
 * projected. `basis`: what the count was sized for (the arrival rate now and projected
 * `horizonSec` ahead along its trend, the consumers' start-up time, learned or assumed, and the
 * measured rate per consumer). `notes`: what else limits the fix (downstream, GPUs, Nomad's max).
 * Both absent in snapshots stored before they existed.
 */
export const Recommendation = z.object({
  job: z.string(),
  group: z.string(),
  from: z.number(),
  to: z.number(),
  drainSeconds: z.number().optional(),
  basis: z
    .object({
      arrivalPerSec: z.number(),
      projectedPerSec: z.number(),
      trendPerSecPerMin: z.number().nullable(),
      horizonSec: z.number(),
      startupSec: z.number(),
      startupLearned: z.boolean(),
      perConsumerPerSec: z.number(),
      targetUtilisation: z.number(),
    })
    .optional(),
  notes: z.array(z.string()).optional(),
});
export type Recommendation = z.infer<typeof Recommendation>;

export const Bottleneck = z.object({
  stageId: z.string(),
  /** The queue in front of the bottleneck, when there is one. */
  queueStageId: z.string().optional(),
  reason: z.string(),
  recommendation: Recommendation.optional(),
});
export type Bottleneck = z.infer<typeof Bottleneck>;

export const Insight = z.object({
  kind: z.enum(['gpu-underused', 'no-consumers', 'queue-growing', 'slo-breach']),
  stageId: z.string().optional(),
  message: z.string(),
});
export type Insight = z.infer<typeof Insight>;

export const Snapshot = z.object({
  generatedAt: z.string(),
  pipeline: z.string(),
  /** Every source, always: a page shows each one's health even when it never answered. */
  sources: z.object({
    rabbitmq: SourceState,
    prometheus: SourceState,
    nomad: SourceState,
  } satisfies Record<SourceName, typeof SourceState>),
  stages: z.array(StageSnapshot),
  /**
   * `explainedMs` is the sum of the stages' contributions (never more than `pMs`);
   * `unexplainedMs` what the stages do not account for. `estimated`: no end-to-end figure was
   * measured, `pMs` is the sum of the stages' parts. `stagesSumMs`: what the stages' own figures
   * added up to before they were fitted into `pMs` (more than it when quantiles overlap). Both
   * absent in snapshots stored before they existed.
   */
  endToEnd: z.object({
    pMs: z.number().nullable(),
    quantile: z.number(),
    sloMs: z.number(),
    explainedMs: z.number(),
    unexplainedMs: z.number().nullable(),
    estimated: z.boolean().optional(),
    stagesSumMs: z.number().optional(),
  }),
  bottleneck: Bottleneck.nullable(),
  insights: z.array(Insight),
  unmonitoredQueues: z.array(UnmonitoredQueue),
  /** Queues the broker holds in all, when a sweep has counted them (the list above is capped). */
  unmonitoredTotal: z.number().optional(),
  /** Only on a replayed snapshot (`?at=`): the moment asked for, and when the snapshot shown was stored. */
  replay: z.object({ at: z.string(), storedAt: z.string() }).optional(),
});
export type Snapshot = z.infer<typeof Snapshot>;

/**
 * The public view of a snapshot, for anonymous viewers: the pipeline's numbers, without what the
 * sources said when they failed (their errors describe the server's insides).
 */
export function publicSnapshot<S extends Snapshot>(s: S): S {
  const strip = (state: SourceState): SourceState => ({ status: state.status, lastOkAt: state.lastOkAt });
  return {
    ...s,
    sources: {
      rabbitmq: strip(s.sources.rabbitmq),
      prometheus: strip(s.sources.prometheus),
      nomad: strip(s.sources.nomad),
    },
  };
}

export { isSloBreached } from './slo';
