import { formatCount, formatDuration, formatRate, plural } from '../format/numbers';
import type { QueueDerived } from './build-stages';
import type { Bottleneck, StageSnapshot } from '../contracts/snapshot';
import type { Observations } from './types';

/**
 * Step 5: where the time accumulates. A queue is the bottleneck when it is past its depth
 * threshold (or within a fifth of it) and still growing, or past it and already holding requests
 * a fifth of the SLO, or has ready messages and nobody draining them; the stage to fix is the consumer group that drains it.
 * Once named, a queue stays the bottleneck until its depth falls under half its threshold.
 * Without such a queue, an SLO breach is pinned on the stage with the largest share. A healthy
 * pipeline has none.
 */
export function isGrowing(q: QueueDerived): boolean {
  if (q.growthPerSec === null) return false;
  return q.growthPerSec > Math.max(0.5, 0.05 * (q.arrivalPerSec ?? 0));
}

function queueCandidate(q: QueueDerived, sloMs: number, held: boolean): number | null {
  if (q.ready > 0 && q.consumers === 0) return Number.POSITIVE_INFINITY;
  if (held && q.ready > q.depthThreshold / 2) return q.waitMs;
  // A queue within a fifth of its threshold that keeps growing is raised now: its depth jitters by
  // a few messages around the trend, and waiting for a sample above the line costs seconds.
  if (q.ready >= 0.8 * q.depthThreshold && q.ready <= q.depthThreshold) return isGrowing(q) ? q.waitMs : null;
  if (q.ready <= q.depthThreshold) return null;
  if (isGrowing(q) || q.waitMs > 0.2 * sloMs) return q.waitMs;
  return null;
}

export function explainQueue(label: string, q: QueueDerived): string {
  if (q.consumers === 0) return `${label}: ${plural(q.ready, 'message')} ready and no consumer draining them.`;
  const parts = [`${label}: ${formatCount(q.ready)} ready`];
  if (q.drainPerSec !== null && q.arrivalPerSec !== null) {
    parts.push(
      `${plural(q.consumers, 'consumer')} drain ${formatRate(q.drainPerSec)} while ${formatRate(q.arrivalPerSec)} arrive`,
    );
  } else if (q.growthPerSec !== null) {
    parts.push(`growing by ${formatRate(q.growthPerSec)} with ${plural(q.consumers, 'consumer')}`);
  }
  let sentence = parts.join(', ');
  if (Number.isFinite(q.waitMs) && q.waitMs > 0) sentence += `; requests wait about ${formatDuration(q.waitMs)} here`;
  return `${sentence}.`;
}

export function findBottleneck(
  obs: Observations,
  stages: StageSnapshot[],
  queues: Map<string, QueueDerived>,
  /** The slowest way through the pipeline (attribution): a breach is pinned on a stage of it. */
  slowestWayIds?: readonly string[],
): Bottleneck | null {
  const sloMs = obs.endToEnd.sloMs;
  let best: { q: QueueDerived; score: number } | null = null;
  for (const q of queues.values()) {
    const score = queueCandidate(q, sloMs, q.stageId === obs.heldQueueStageId);
    if (score !== null && (best === null || score > best.score)) best = { q, score };
  }
  if (best) {
    const queueStage = stages.find((s) => s.id === best.q.stageId)!;
    const { consumer, note } = drainingGroup(obs, stages, queueStage.id);
    return {
      stageId: consumer?.id ?? queueStage.id,
      queueStageId: queueStage.id,
      reason: `${explainQueue(queueStage.label, best.q)}${note}`,
    };
  }
  const e2e = obs.endToEnd.pMs;
  if (e2e !== null && e2e > sloMs) {
    const onWay = slowestWayIds ? new Set(slowestWayIds) : null;
    const top = stages.filter((s) => !onWay || onWay.has(s.id)).sort((a, b) => b.contributionMs - a.contributionMs)[0];
    if (top && top.share >= 0.3) {
      const q = Math.round(obs.endToEnd.quantile * 100);
      // Time piling up in a queue is pinned on the group that drains it, as above.
      const queue = queues.get(top.id);
      if (queue) {
        const consumer = stages.find((s) => s.consumesFrom === top.id);
        return { stageId: consumer?.id ?? top.id, queueStageId: top.id, reason: explainQueue(top.label, queue) };
      }
      // The stage's own figure; its share is of the end-to-end one, unless the parts overlapped (their
      // quantiles added up to more than it), where a percentage of the whole would not match it.
      const own = Math.round(obs.latencies[top.id]?.atQuantileMs ?? top.contributionMs);
      const part = own > top.contributionMs ? 'the largest part' : `${Math.round(top.share * 100)}%`;
      const reason = `${top.label}: ${formatDuration(own)} at p${q}, ${part} of the ${formatDuration(e2e)} end-to-end p${q} (SLO ${formatDuration(sloMs)}).`;
      // A slow stage whose input queue is building up is short of workers, not only slow: name
      // the queue too, so that the recommendation (scale the group) follows. A slow stage with
      // an empty, steady input gets no scale advice: more workers would not make it faster.
      const input = top.consumesFrom ? queues.get(top.consumesFrom) : undefined;
      if (input && input.ready > 0 && isGrowing(input)) {
        const inputLabel = stages.find((s) => s.id === input.stageId)?.label ?? input.stageId;
        return { stageId: top.id, queueStageId: input.stageId, reason: `${reason} ${explainQueue(inputLabel, input)}` };
      }
      return { stageId: top.id, reason };
    }
  }
  return null;
}

/**
 * The consumer group to fix for a queue: its only one, or, when several groups drain the same
 * queue, the slowest per message by its median service time (the one short of capacity first);
 * without their timings, the first, and the reason says the others drain it too.
 */
function drainingGroup(
  obs: Observations,
  stages: StageSnapshot[],
  queueStageId: string,
): { consumer: StageSnapshot | undefined; note: string } {
  const groups = stages.filter((s) => s.consumesFrom === queueStageId);
  if (groups.length <= 1) return { consumer: groups[0], note: '' };
  const p50 = (s: StageSnapshot) => obs.latencies[s.id]?.p50Ms ?? null;
  const timed = groups.filter((g) => p50(g) !== null);
  const slowest = timed.length > 0 ? timed.reduce((a, b) => (p50(b)! > p50(a)! ? b : a)) : groups[0]!;
  const names = groups.map((g) => g.label).join(', ');
  const why =
    timed.length > 0
      ? `${slowest.label} is the slowest per message (p50 ${formatDuration(p50(slowest)!)})`
      : `none has timings to say which is short`;
  return { consumer: slowest, note: ` ${groups.length} groups drain it (${names}); ${why}.` };
}
