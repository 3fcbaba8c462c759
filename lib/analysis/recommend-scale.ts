import type { QueueDerived } from './build-stages';
import type { LatencyObservation, WorkersObservation } from './types';
import type { Recommendation } from '../contracts/snapshot';

/**
 * Step 6: how many consumers would drain the queue at the arrival rate with headroom, and clear
 * the backlog within targetDrainSec. Capacity per consumer is measured (drain rate over consumers)
 * or, before the broker has rates, taken from the stage's median service time.
 */
export const targetUtilisation = 0.7;
export const targetDrainSec = 60;

export function recommendScale(
  q: QueueDerived,
  workers: WorkersObservation | undefined,
  latency: LatencyObservation | undefined,
): Recommendation | undefined {
  if (!workers) return undefined;
  const current = workers.desired;
  let perConsumerPerSec: number | null = null;
  if (q.drainPerSec !== null && q.drainPerSec > 0 && q.consumers > 0) perConsumerPerSec = q.drainPerSec / q.consumers;
  else if (latency?.p50Ms) perConsumerPerSec = 1000 / latency.p50Ms;
  if (perConsumerPerSec === null || perConsumerPerSec <= 0) return undefined;
  const arrival = q.arrivalPerSec ?? (q.drainPerSec ?? 0) + Math.max(0, q.growthPerSec ?? 0);
  const neededPerSec = arrival + q.ready / targetDrainSec;
  let to = Math.ceil(neededPerSec / perConsumerPerSec / targetUtilisation);
  to = Math.max(to, current + 1);
  if (workers.scalingMax !== null) to = Math.min(to, workers.scalingMax);
  if (to <= current) return undefined;
  const spareAfterPerSec = to * perConsumerPerSec - arrival;
  const rec: Recommendation = { job: workers.job, group: workers.group, from: current, to };
  if (spareAfterPerSec > 0) rec.drainSeconds = Math.round(q.ready / spareAfterPerSec);
  return rec;
}
