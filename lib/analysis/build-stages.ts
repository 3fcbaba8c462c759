import { estimateGrowthPerSec } from './estimate-growth';
import { estimateQueueWaitMs } from './estimate-queue-wait';
import { slowestWay } from '../contracts/stage-graph';
import type { Observations } from './types';
import { queueVerdict, type QueueVerdictInput } from './queue-verdict';
import type { StageSnapshot } from '../contracts/snapshot';
import { gpuRoom, type GpuContext } from './gpu-room';
import { roundTo } from './round';

/**
 * Steps 1-3 of the analysis: attach to each configured stage its queue state (lag-free AMQP
 * counts first, management statistics for rates), its latency quantiles, its workers and GPU,
 * and estimate each queue's wait. Contributions and shares come in the next step.
 */
export interface QueueDerived {
  stageId: string;
  ready: number;
  consumers: number;
  growthPerSec: number | null;
  drainPerSec: number | null;
  arrivalPerSec: number | null;
  waitMs: number;
  depthThreshold: number;
}

export function buildStages(obs: Observations): { stages: StageSnapshot[]; queues: Map<string, QueueDerived> } {
  const queues = new Map<string, QueueDerived>();
  const stages = obs.stages.map((spec): StageSnapshot => {
    const stage: StageSnapshot = {
      id: spec.id,
      kind: spec.kind,
      label: spec.label,
      contributionMs: 0,
      share: 0,
      status: 'ok',
    };
    if (spec.consumesFrom) stage.consumesFrom = spec.consumesFrom;
    if (spec.after) stage.after = spec.after;
    const q = obs.queues[spec.id];
    if (spec.queue && q && (q.check || q.stats)) {
      const ready = q.check?.ready ?? q.stats?.ready ?? 0;
      const consumers = q.check?.consumers ?? q.stats?.consumers ?? 0;
      const growthPerSec = estimateGrowthPerSec(q.history);
      const drainPerSec = q.stats?.deliverRatePerSec ?? null;
      const arrivalPerSec =
        q.stats?.publishRatePerSec ??
        (drainPerSec !== null && growthPerSec !== null ? drainPerSec + Math.max(0, growthPerSec) : null);
      const waitMs = estimateQueueWaitMs({
        ready,
        drainPerSec: consumers === 0 ? 0 : drainPerSec,
        headAgeMs: q.stats?.headAgeMs ?? null,
      });
      queues.set(spec.id, {
        stageId: spec.id,
        ready,
        consumers,
        growthPerSec,
        drainPerSec,
        arrivalPerSec,
        waitMs,
        depthThreshold: spec.queue.depthThreshold,
      });
      stage.queue = {
        ready,
        unacked: q.stats?.unacked ?? 0,
        consumers,
        publishRate: q.stats?.publishRatePerSec ?? null,
        deliverRate: drainPerSec,
        growthPerSec,
        depthThreshold: spec.queue.depthThreshold,
      };
      // The head age comes with the management lag; an empty queue (by the lag-free count) has none.
      if (q.stats?.headAgeMs != null && ready > 0) stage.queue.headAgeMs = q.stats.headAgeMs;
      stage.queue.verdict = queueVerdict({
        ready,
        unacked: q.stats?.unacked ?? 0,
        consumers,
        growthPerSec,
        arrivalPerSec,
        drainPerSec,
        measuredHeadAgeMs: ready > 0 ? (q.stats?.headAgeMs ?? null) : null,
        estimatedWaitMs: waitMs,
        consumerCapacity: q.stats?.consumerCapacity ?? null,
        prefetch: q.stats?.prefetch ?? null,
        redeliverPerSec: q.stats?.redeliverRatePerSec ?? null,
        limit: limitOf(q.stats),
        deadLetter:
          q.stats?.deadLetterExchange != null
            ? { exchange: q.stats.deadLetterExchange, routingKey: q.stats.deadLetterRoutingKey ?? null }
            : null,
        rejectedByConsumersPerSec: q.stats?.rejectedByConsumersPerSec ?? null,
        publishers: q.stats?.publishers ?? null,
      });
      if (Number.isFinite(waitMs)) stage.waitMs = waitMs;
    }
    const latency = obs.latencies[spec.id];
    if (latency) stage.latency = { p50Ms: latency.p50Ms, p90Ms: latency.p90Ms, p99Ms: latency.p99Ms };
    const workers = obs.workers[spec.id];
    if (workers) {
      stage.workers = { job: workers.job, group: workers.group, desired: workers.desired, running: workers.running };
      if (workers.autoscaler) stage.workers.autoscaler = workers.autoscaler;
    }
    const gpu = obs.gpuUtilPct[spec.id];
    if (gpu !== undefined && gpu !== null) stage.gpu = { utilPct: roundTo(gpu, 1) };
    return stage;
  });
  for (const stage of stages) attachGpuRoom(obs, stage, queues);
  return { stages, queues };
}

/** A GPU stage's utilisation, memory (when measured) and how many more workers its GPUs take. */
export function gpuContextOf(
  obs: Observations,
  stage: StageSnapshot,
  queues: Map<string, QueueDerived>,
): GpuContext | null {
  if (!stage.gpu) return null;
  const memory = obs.gpuMemory?.[stage.id] ?? null;
  const room = gpuRoom({
    utilPct: stage.gpu.utilPct,
    memory,
    running: stage.workers?.running ?? null,
    busy: workersBusyShare(stage, queues),
  });
  return { label: stage.label, utilPct: stage.gpu.utilPct, memory, room };
}

function attachGpuRoom(obs: Observations, stage: StageSnapshot, queues: Map<string, QueueDerived>): void {
  const gpu = gpuContextOf(obs, stage, queues);
  if (!gpu || !stage.gpu) return;
  const { memory, room } = gpu;
  if (memory)
    stage.gpu.memory = {
      usedMiB: Math.round(memory.usedMiB),
      totalMiB: Math.round(memory.totalMiB),
      gpus: memory.gpus,
      perGpuTotalMiB: Math.round(memory.smallestGpuMiB),
      perWorkerMiB: room.perWorkerMiB,
    };
  if (stage.workers?.running)
    stage.gpu.room = {
      workersPerGpu: room.workersPerGpu,
      byUtilisation: room.byUtilisation,
      byMemory: room.byMemory,
      perGpu: room.perGpu,
      binding: room.binding,
      memoryMeasured: room.memoryMeasured,
      summary: room.summary,
    };
}

/**
 * The share of time a worker stage's workers are busy, 0..1: what its queue delivers times their
 * median service time, over the running workers (Little's law). Null without the three.
 */
export function workersBusyShare(stage: StageSnapshot, queues: Map<string, QueueDerived>): number | null {
  const source = stage.consumesFrom ? queues.get(stage.consumesFrom) : undefined;
  const serviceMs = stage.latency?.p50Ms;
  const running = stage.workers?.running;
  if (!source?.drainPerSec || !serviceMs || !running) return null;
  return Math.min(1, (source.drainPerSec * serviceMs) / 1000 / running);
}

function limitOf(stats: Observations['queues'][string]['stats']): QueueVerdictInput['limit'] {
  const maxLength = stats?.maxLength ?? null;
  const maxLengthBytes = stats?.maxLengthBytes ?? null;
  if (!stats || (maxLength === null && maxLengthBytes === null)) return null;
  // RabbitMQ's default once a limit is set.
  return { maxLength, maxLengthBytes, readyBytes: stats.readyBytes ?? null, overflow: stats.overflow ?? 'drop-head' };
}

export interface Attribution {
  /** The end-to-end figure: measured, or (without one) estimated from the stages' parts. */
  pMs: number | null;
  estimated: boolean;
  /** What the contributions add up to along the slowest way through the pipeline. */
  explainedMs: number;
  unexplainedMs: number | null;
  /** What the stages' own figures add up to along it, before they are fitted into the end-to-end one. */
  stagesSumMs: number;
  /** The stages of that slowest way, first to last (every stage of a plain chain). */
  slowestWayIds: string[];
}

/**
 * Step 4: the time a request spends in each stage at the end-to-end quantile, and its share.
 * Each stage's part is its queue wait or its own latency at that quantile. A request goes one way
 * through the pipeline (all of it, or one branch per request type: stage-graph.ts), so parts add
 * up along a way, and the slowest way is what the end-to-end figure is held against. Quantiles of
 * parts do not add up to the quantile of the whole (the slowest requests of one stage are not
 * those of another), so when the parts along the slowest way add up to more than the measured
 * end-to-end figure they are all scaled down in proportion: along any way the contributions never
 * add up to more than it, and `stagesSumMs` keeps what they added up to, for the page to say so.
 * Without a measured figure, the slowest way's sum stands in for it, marked estimated.
 */
export function attributeLatency(obs: Observations, stages: StageSnapshot[]): Attribution {
  const raw = stages.map((stage) => {
    const atQuantile = obs.latencies[stage.id]?.atQuantileMs ?? null;
    return Math.max(0, Math.round(stage.kind === 'queue' ? (stage.waitMs ?? 0) : (atQuantile ?? 0)));
  });
  const slowest = slowestWay(stages, (i) => raw[i]!);
  const stagesSumMs = slowest.totalMs;
  const measured = obs.endToEnd.pMs === null ? null : Math.round(obs.endToEnd.pMs);
  const estimated = measured === null && stagesSumMs > 0;
  const pMs = measured ?? (estimated ? stagesSumMs : null);
  const factor = measured !== null && stagesSumMs > measured ? measured / stagesSumMs : 1;
  stages.forEach((stage, i) => {
    stage.contributionMs = factor === 1 ? raw[i]! : Math.floor(raw[i]! * factor);
  });
  const explainedMs = slowestWay(stages, (i) => stages[i]!.contributionMs).totalMs;
  for (const stage of stages) {
    stage.share = pMs && pMs > 0 ? Math.min(1, roundTo(stage.contributionMs / pMs, 3)) : 0;
  }
  return {
    pMs,
    estimated,
    explainedMs,
    unexplainedMs: measured === null ? null : Math.max(0, measured - explainedMs),
    stagesSumMs,
    slowestWayIds: slowest.stageIds,
  };
}
