import type { CapacityPlan, CapacityStage } from '../contracts/capacity';
import type { Snapshot, StageSnapshot } from '../contracts/snapshot';
import { formatDuration, formatRate, plural } from '../format/numbers';
import { targetUtilisation, workersFor } from './sizing';
import { entranceQueues } from '../contracts/stage-graph';

/**
 * How many workers of each worker stage `requestsPerSec` requests entering the pipeline would
 * need, from what the snapshot measured:
 * - per worker: the consumed queue's delivery rate over the workers (Nomad's running count, else
 *   the queue's consumers); with no rate yet or no traffic, 1000 / p50 ms, marked so;
 * - the load: requestsPerSec times the stage's queue publish rate over the entrance rate (the
 *   first queue stage's publish rate, or the sum over the first queue of each request type's
 *   branch), so a stage behind a fan-out, a filter or one request type sees more or less;
 *   1, marked assumed, when the rates are missing;
 * - needed: the fewest workers that carry the load at targetUtilisation, at least 1 under load.
 * A stage with neither a rate nor a latency gets no number rather than an invented one.
 */
export function planCapacity(snapshot: Snapshot, requestsPerSec: number): CapacityPlan {
  const rps = positive(requestsPerSec) ?? 0;
  // The first queue stage of every way in, even without figures: a later one would not see every
  // request. Request types branching before their queues enter by several, whose rates add up.
  const entrances = entranceQueues(snapshot.stages);
  const entrance = entrances[0];
  const entranceRates = entrances.map((s) => nonNegative(s.queue?.publishRate));
  const entranceRate = entranceRates.some((r) => r === null) ? null : entranceRates.reduce<number>((a, r) => a + r!, 0);
  return {
    pipeline: snapshot.pipeline,
    generatedAt: snapshot.generatedAt,
    requestsPerSec: rps,
    entranceRatePerSec: entranceRate,
    entranceStageId: entrance?.id ?? null,
    targetUtilisation,
    stages: snapshot.stages
      .filter((s) => s.kind === 'workers')
      .map((s) => planStage(s, snapshot.stages, rps, positive(entranceRate))),
  };
}

function planStage(
  stage: StageSnapshot,
  stages: StageSnapshot[],
  rps: number,
  entranceRate: number | null,
): CapacityStage {
  const queue = stages.find((s) => s.id === stage.consumesFrom && s.kind === 'queue')?.queue;
  const running = nonNegative(stage.workers?.running);
  const consumers = nonNegative(queue?.consumers);
  const currentWorkers = running !== null && (running > 0 || consumers === null) ? running : consumers;
  const measuredWorkers = positive(currentWorkers);
  const deliverRate = positive(queue?.deliverRate);
  const p50Ms = positive(stage.latency?.p50Ms);

  let perWorkerPerSec: number | null = null;
  let basis: CapacityStage['basis'] = 'unknown';
  let explanation: string;
  if (deliverRate !== null && measuredWorkers !== null && positive(deliverRate / measuredWorkers) !== null) {
    perWorkerPerSec = deliverRate / measuredWorkers;
    basis = 'measured';
    explanation = `${formatRate(deliverRate)} delivered over ${plural(measuredWorkers, 'worker')}`;
  } else if (p50Ms !== null && positive(1000 / p50Ms) !== null) {
    perWorkerPerSec = 1000 / p50Ms;
    basis = 'latency';
    explanation = `1 s over a p50 of ${formatDuration(p50Ms)} (${whyNotMeasured(queue?.deliverRate, measuredWorkers)})`;
  } else {
    explanation = queue
      ? 'no delivery rate and no p50 latency: no throughput per worker to plan from'
      : 'no queue figures and no p50 latency: no throughput per worker to plan from';
  }
  const saturation = queue?.verdict?.saturation;
  const saturated = basis === 'measured' && saturation !== undefined ? saturation === 'saturated' : null;

  const publishRate = nonNegative(queue?.publishRate);
  const measuredRatio = entranceRate !== null && publishRate !== null ? finite(publishRate / entranceRate) : null;
  const loadRatio = measuredRatio ?? 1;
  // Finite whatever the ratio: an absurd load asks for more workers than can be counted (null).
  const loadPerSec = Math.min(rps * loadRatio, Number.MAX_VALUE);
  const neededWorkers = perWorkerPerSec === null ? null : workersFor(loadPerSec, perWorkerPerSec);
  return {
    stageId: stage.id,
    label: stage.label,
    perWorkerPerSec,
    basis,
    saturated,
    loadRatio,
    loadRatioAssumed: measuredRatio === null,
    loadPerSec,
    currentWorkers,
    neededWorkers,
    delta: neededWorkers !== null && currentWorkers !== null ? neededWorkers - currentWorkers : null,
    explanation,
  };
}

const finite = (v: number | null | undefined): number | null =>
  v !== null && v !== undefined && Number.isFinite(v) ? v : null;
const nonNegative = (v: number | null | undefined): number | null => {
  const f = finite(v);
  return f !== null && f >= 0 ? f : null;
};
const positive = (v: number | null | undefined): number | null => {
  const f = finite(v);
  return f !== null && f > 0 ? f : null;
};
function whyNotMeasured(deliverRate: number | null | undefined, measuredWorkers: number | null): string {
  if (deliverRate === null || deliverRate === undefined) return 'the broker has no delivery rate yet';
  if (deliverRate === 0) return 'no traffic to measure';
  if (measuredWorkers === null) return 'no worker count to divide the delivery rate by';
  return 'the delivery rate is not usable';
}
