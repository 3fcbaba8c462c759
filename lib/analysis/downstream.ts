import { gpuContextOf, type QueueDerived } from './build-stages';
import type { StageSnapshot } from '../contracts/snapshot';
import type { Downstream } from './recommend-scale';
import { downstreamStages, predecessorsOf } from '../contracts/stage-graph';
import type { Observations } from './types';

/**
 * Where a worker group's output goes: the nearest queue stage after it in request order (not the
 * one it consumes from; on its own branch when request types branch), with what that queue's consumers can drain at most. Their capacity is
 * known from their median service time, or from the drain rate while they are saturated (an idle
 * group's drain rate is its arrival rate, not its capacity), and, for a GPU group, its GPUs' room
 * (from `stages`, the snapshot's stages so far). Null when nothing follows.
 */
export function downstreamOf(
  obs: Observations,
  groupStageId: string,
  queues: Map<string, QueueDerived>,
  stages: StageSnapshot[] = [],
): Downstream | null {
  const group = obs.stages.find((s) => s.id === groupStageId);
  if (!group) return null;
  const byId = new Map(obs.stages.map((s) => [s.id, s]));
  const next = downstreamStages(obs.stages, groupStageId)
    .map((id) => byId.get(id)!)
    .find((s) => s.kind === 'queue' && s.id !== group.consumesFrom);
  if (!next) return null;
  const q = queues.get(next.id);
  const consumerStage = obs.stages.find((s) => s.kind === 'workers' && s.consumesFrom === next.id);
  const workers = consumerStage ? obs.workers[consumerStage.id] : undefined;
  const p50Ms = consumerStage ? (obs.latencies[consumerStage.id]?.p50Ms ?? null) : null;
  const consumerSnapshot = consumerStage ? stages.find((s) => s.id === consumerStage.id) : undefined;
  const consumers = workers?.running ?? q?.consumers ?? 0;
  let perConsumerPerSec: number | null = p50Ms && p50Ms > 0 ? 1000 / p50Ms : null;
  const saturated = q !== undefined && q.ready > q.depthThreshold && (q.growthPerSec ?? 0) > 0;
  if (perConsumerPerSec === null && saturated && q.drainPerSec && q.consumers > 0)
    perConsumerPerSec = q.drainPerSec / q.consumers;
  return {
    label: next.label,
    capacityPerSec: perConsumerPerSec !== null && consumers > 0 ? perConsumerPerSec * consumers : null,
    workers: workers ? { job: workers.job, group: workers.group, desired: workers.desired } : null,
    perConsumerPerSec,
    gpu: consumerSnapshot ? gpuContextOf(obs, consumerSnapshot, queues) : null,
    ratePerSec: q?.drainPerSec ?? null,
    otherInflowPerSec: otherInflow(obs, group, next.id, queues),
  };
}

/**
 * Where request types join (a queue that several branches feed): what the other branches send it
 * now, its arrivals less this group's own output (what the group drains from its queue). Null
 * when it is not a join or a rate is missing.
 */
function otherInflow(
  obs: Observations,
  group: Observations['stages'][number],
  joinId: string,
  queues: Map<string, QueueDerived>,
): number | null {
  if ((predecessorsOf(obs.stages).get(joinId) ?? []).length < 2) return null;
  const arrival = queues.get(joinId)?.arrivalPerSec ?? null;
  const own = group.consumesFrom ? (queues.get(group.consumesFrom)?.drainPerSec ?? null) : null;
  return arrival === null || own === null ? null : Math.max(0, arrival - own);
}
