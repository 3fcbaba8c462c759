import type { Snapshot } from '../contracts/snapshot';

/**
 * The backlog and rates of the queue a worker group drains, for a scale preview's projection:
 * the per-consumer rate from the broker's delivery rate, or else from the stage's median latency.
 */
export function queueForGroup(
  snapshot: Snapshot,
  job: string,
  group: string,
): { ready: number; arrivalPerSec: number | null; perConsumerPerSec: number | null } | null {
  const stage = snapshot.stages.find((s) => s.workers?.job === job && s.workers.group === group);
  const queue = stage?.consumesFrom ? snapshot.stages.find((s) => s.id === stage.consumesFrom)?.queue : undefined;
  if (!stage || !queue) return null;
  const perConsumerPerSec =
    queue.deliverRate && queue.consumers > 0
      ? queue.deliverRate / queue.consumers
      : stage.latency?.p50Ms
        ? 1000 / stage.latency.p50Ms
        : null;
  return { ready: queue.ready, arrivalPerSec: queue.publishRate, perConsumerPerSec };
}
