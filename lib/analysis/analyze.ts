import { attributeLatency, buildStages, gpuContextOf } from './build-stages';
import { findBottleneck } from './find-bottleneck';
import { findInsights, flagUnmonitored } from './find-insights';
import { downstreamOf } from './downstream';
import { recommendScale } from './recommend-scale';
import { verdictNotes } from './verdict-notes';
import type { Observations } from './types';
import type { Snapshot } from '../contracts/snapshot';

/**
 * The whole analysis, a short pipeline of pure steps over what the sources observed: attach
 * queue state, latencies and workers; estimate waits; attribute latency; find the bottleneck and
 * explain it; recommend a scale; list the insights. No I/O, no clock but obs.nowMs.
 */
export function analyze(obs: Observations): Snapshot {
  const { stages, queues } = buildStages(obs);
  const attribution = attributeLatency(obs, stages);
  const bottleneck = findBottleneck(obs, stages, queues, attribution.slowestWayIds);
  const stageOf = (id: string) => stages.find((s) => s.id === id);
  if (bottleneck?.queueStageId) {
    const q = queues.get(bottleneck.queueStageId)!;
    const recommendation = recommendScale({
      queue: q,
      workers: obs.workers[bottleneck.stageId],
      latency: obs.latencies[bottleneck.stageId],
      arrivals: obs.queues[bottleneck.queueStageId]?.arrivals,
      nowMs: obs.nowMs,
      gpuUtilPct: obs.gpuUtilPct[bottleneck.stageId] ?? null,
      gpu: stageOf(bottleneck.stageId) ? gpuContextOf(obs, stageOf(bottleneck.stageId)!, queues) : null,
      downstream: downstreamOf(obs, bottleneck.stageId, queues, stages),
    });
    if (recommendation) {
      const queueStage = stageOf(bottleneck.queueStageId);
      const notes = verdictNotes(queueStage?.queue?.verdict, queueStage?.label ?? bottleneck.queueStageId);
      if (notes.length > 0) recommendation.notes = [...notes, ...(recommendation.notes ?? [])];
      bottleneck.recommendation = recommendation;
    }
  }
  const insights = findInsights(obs, stages, queues, bottleneck);
  for (const stage of stages) {
    if (bottleneck && (stage.id === bottleneck.stageId || stage.id === bottleneck.queueStageId)) stage.status = 'crit';
    else if (insights.some((i) => i.stageId === stage.id)) stage.status = 'warn';
  }
  const unmonitoredQueues = flagUnmonitored(obs.unmonitored).sort(
    (a, b) => Number(b.alert !== null) - Number(a.alert !== null) || b.ready - a.ready,
  );
  return {
    generatedAt: new Date(obs.nowMs).toISOString(),
    pipeline: obs.pipeline,
    sources: obs.sources,
    stages,
    endToEnd: {
      pMs: attribution.pMs,
      quantile: obs.endToEnd.quantile,
      sloMs: obs.endToEnd.sloMs,
      explainedMs: attribution.explainedMs,
      unexplainedMs: attribution.unexplainedMs,
      estimated: attribution.estimated,
      stagesSumMs: attribution.stagesSumMs,
    },
    bottleneck,
    insights,
    unmonitoredQueues,
  };
}
