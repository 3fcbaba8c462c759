/**
 * How many workers a load needs: at `targetUtilisation`, so that queues stay short when traffic
 * wobbles (a group run near 100% holds a queue that grows with every burst). Shared by the
 * recommendation and the capacity view so that both count alike.
 */
export const targetUtilisation = 0.7;

/** Workers' worth of floating-point error forgiven when counting workers. */
export const workerSlack = 1e-9;

/**
 * The fewest workers k with k x perWorker x targetUtilisation >= load (0 without load), up to a
 * billionth of a worker: 0.7 has no exact binary form, so 21/s at 3/s per worker computes as
 * 10.000000000000002 workers where 10 carry it. Null if the count is not a safe integer.
 */
export function workersFor(loadPerSec: number, perWorkerPerSec: number): number | null {
  if (loadPerSec <= 0) return 0;
  const k = Math.max(1, Math.ceil(loadPerSec / (perWorkerPerSec * targetUtilisation) - workerSlack));
  return Number.isSafeInteger(k) ? k : null;
}
