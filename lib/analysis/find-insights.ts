import { workersBusyShare, type QueueDerived } from './build-stages';
import { gpuRoom, memoryPhrase } from './gpu-room';
import { isGrowing } from './find-bottleneck';
import { formatCount, formatDuration, formatGiB, formatRate, plural } from '../format/numbers';
import type { Bottleneck, Insight, StageSnapshot, UnmonitoredQueue } from '../contracts/snapshot';
import type { Observations } from './types';

/**
 * Step 7: what else an on-call engineer should know. GPUs left idle by one worker each; queues
 * with messages and no consumer; queues growing before latency shows it; an SLO breach. Nothing
 * here fires on a pipeline running comfortably within capacity.
 */
export const gpuUnderusedBelowPct = 35;
export const gpuWorkersBusyAtLeast = 0.5;

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
    const gpuInsight = gpuUnderused(obs, stage, queues);
    if (gpuInsight) insights.push(gpuInsight);
  }
  return insights;
}

/**
 * GPUs mostly idle while their workers are busy: pack more workers per GPU, up to what both
 * utilisation and memory allow. When memory is what stops it, say packing would not fit; when
 * memory is not measured, say so rather than assume it has room.
 */
function gpuUnderused(obs: Observations, stage: StageSnapshot, queues: Map<string, QueueDerived>): Insight | null {
  const gpu = stage.gpu?.utilPct;
  const running = stage.workers?.running;
  const busy = workersBusyShare(stage, queues);
  if (gpu === undefined || !running || busy === null) return null;
  if (gpu >= gpuUnderusedBelowPct || busy < gpuWorkersBusyAtLeast) return null;
  const memory = obs.gpuMemory?.[stage.id] ?? null;
  const room = gpuRoom({ utilPct: gpu, memory, running, busy });
  const now = room.workersPerGpu ?? 1;
  const head = `${stage.label}: GPUs at ${Math.round(gpu)}% while the workers are ${Math.round(busy * 100)}% busy`;
  const insight = (message: string): Insight => ({ kind: 'gpu-underused', stageId: stage.id, message });
  if (room.perGpu === null || room.perGpu <= now) {
    if (room.binding !== 'memory' || !memory) return null;
    return insight(
      `${head}, but GPU memory is ${memoryPhrase(memory)}, ${formatGiB(room.perWorkerMiB!)} GiB per worker: packing would not fit (memory allows ${room.byMemory} per GPU).`,
    );
  }
  const pack = room.perGpu;
  const nowText = now === 1 ? 'one worker per GPU' : `${Math.round(now * 10) / 10} workers per GPU`;
  const share = now === 1 ? `1/${pack}` : `${Math.round((now / pack) * 100)}%`;
  const limits = memory
    ? ` (memory allows ${room.byMemory}, utilisation ${room.byUtilisation}: ${formatGiB(room.perWorkerMiB!)} GiB per worker on ${formatGiB(memory.smallestGpuMiB)} GiB GPUs)`
    : '';
  const caveat = memory ? '' : `; GPU memory not measured: check that ${pack} workers' models fit on one GPU`;
  return insight(
    `${head}: ${nowText} leaves most of each GPU idle; packing ${pack} workers per GPU${limits} would serve this load on about ${share} of the GPUs${caveat}.`,
  );
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
