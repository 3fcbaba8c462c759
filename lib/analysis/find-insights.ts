import type { QueueDerived } from './build-stages';
import { isGrowing } from './find-bottleneck';
import { formatCount, formatDuration, formatRate, plural } from '../format/numbers';
import type { Bottleneck, Insight, StageSnapshot, UnmonitoredQueue } from '../contracts/snapshot';
import type { Observations } from './types';

/**
 * Step 7: what else an on-call engineer should know. GPUs left idle by one worker each; queues
 * with messages and no consumer; queues growing before latency shows it; an SLO breach. Nothing
 * here fires on a pipeline running comfortably within capacity.
 */
export const gpuUnderusedBelowPct = 35;
export const gpuWorkersBusyAtLeast = 0.5;
/** What a GPU can reach when packed with workers (the source documents saw ~80% with four). */
const packedGpuTargetPct = 80;

export function findInsights(
  obs: Observations,
  stages: StageSnapshot[],
  queues: Map<string, QueueDerived>,
  bottleneck: Bottleneck | null,
): Insight[] {
  const insights: Insight[] = [];
  const e2e = obs.endToEnd.pMs;
  if (e2e !== null && e2e > obs.endToEnd.sloMs) {
    const q = Math.round(obs.endToEnd.quantile * 100);
    insights.push({
      kind: 'slo-breach',
      message: `End-to-end p${q} is ${formatDuration(e2e)}, above the ${formatDuration(obs.endToEnd.sloMs)} SLO.`,
    });
  }
  for (const stage of stages) {
    const q = queues.get(stage.id);
    if (q && bottleneck?.queueStageId !== stage.id) {
      if (q.ready > 0 && q.consumers === 0) {
        insights.push({
          kind: 'no-consumers',
          stageId: stage.id,
          message: `${stage.label}: ${plural(q.ready, 'message')} ready and no consumer.`,
        });
      } else if (isGrowing(q) && q.ready > 10) {
        insights.push({
          kind: 'queue-growing',
          stageId: stage.id,
          message: `${stage.label}: growing by ${formatRate(q.growthPerSec!)} (${formatCount(q.ready)} ready); arrivals outpace ${plural(q.consumers, 'consumer')}, and latency will follow.`,
        });
      }
    }
    const gpu = stage.gpu?.utilPct;
    const source = stage.consumesFrom ? queues.get(stage.consumesFrom) : undefined;
    const serviceMs = stage.latency?.p50Ms;
    const running = stage.workers?.running;
    if (gpu !== undefined && source?.drainPerSec && serviceMs && running) {
      const busy = Math.min(1, (source.drainPerSec * serviceMs) / 1000 / running);
      if (gpu < gpuUnderusedBelowPct && busy >= gpuWorkersBusyAtLeast) {
        const perWorkerPct = gpu / busy;
        const pack = Math.max(2, Math.floor(packedGpuTargetPct / Math.max(perWorkerPct, 1)));
        insights.push({
          kind: 'gpu-underused',
          stageId: stage.id,
          message: `${stage.label}: GPUs at ${Math.round(gpu)}% while the workers are ${Math.round(busy * 100)}% busy: one worker per GPU leaves most of each GPU idle; packing ${pack} workers per GPU would serve this load on about 1/${pack} of the GPUs.`,
        });
      }
    }
  }
  return insights;
}

/** Queues nobody configured, flagged when they have messages and no consumer, or keep growing. */
export function flagUnmonitored(queues: UnmonitoredQueue[]): UnmonitoredQueue[] {
  return queues.map((q) => {
    let alert: UnmonitoredQueue['alert'] = null;
    if (q.ready > 0 && q.consumers === 0) alert = 'no-consumers';
    else if (
      q.ready > 50 &&
      q.publishRatePerSec !== null &&
      q.publishRatePerSec > (q.deliverRatePerSec ?? 0) * 1.1 + 0.5
    )
      alert = 'growing';
    return { ...q, alert };
  });
}
