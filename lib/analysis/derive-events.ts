import { isSloBreached as breached, type Snapshot, type SourceName } from '../contracts/snapshot';
import type { TimelineEvent } from '../contracts/timeline';

/**
 * What changed between two consecutive snapshots, as timeline events: the bottleneck appearing,
 * moving or clearing; an SLO breach beginning or ending; a queue crossing its depth threshold and
 * falling back under half of it; a source going down or coming back; worker counts changing (in
 * Nomad, whoever did it). Pure: the recorder stores what this returns.
 */

const label = (s: Snapshot, id: string) => s.stages.find((st) => st.id === id)?.label ?? id;

/**
 * `aboveThreshold` is the caller's memory of which queues are over their threshold (the recorder
 * keeps one across snapshots): a queue is reported above when it crosses the threshold and back
 * only under half of it, so a depth jittering around the line does not fill the timeline. Without
 * it, the previous snapshot's depth stands in.
 */
export function deriveEvents(previous: Snapshot | null, next: Snapshot, aboveThreshold?: Set<string>): TimelineEvent[] {
  const at = next.generatedAt;
  const events: TimelineEvent[] = [];
  const before = previous?.bottleneck ?? null;
  const after = next.bottleneck;
  if (!before && after)
    events.push({
      at,
      kind: 'bottleneck-appeared',
      stageId: after.stageId,
      message: `Bottleneck: ${label(next, after.stageId)}. ${after.reason}`,
    });
  else if (before && after && before.stageId !== after.stageId)
    events.push({
      at,
      kind: 'bottleneck-moved',
      stageId: after.stageId,
      message: `Bottleneck moved from ${label(next, before.stageId)} to ${label(next, after.stageId)}. ${after.reason}`,
    });
  else if (before && !after)
    events.push({
      at,
      kind: 'bottleneck-cleared',
      stageId: before.stageId,
      message: `Bottleneck at ${label(next, before.stageId)} cleared.`,
    });

  const q = Math.round(next.endToEnd.quantile * 100);
  const wasBreached = previous ? breached(previous) : false;
  if (!wasBreached && breached(next))
    events.push({
      at,
      kind: 'slo-breach-began',
      stageId: null,
      message: `SLO breached: end-to-end p${q} ${Math.round(next.endToEnd.pMs!)} ms > ${next.endToEnd.sloMs} ms.`,
    });
  if (wasBreached && !breached(next) && next.endToEnd.pMs !== null)
    events.push({
      at,
      kind: 'slo-breach-ended',
      stageId: null,
      message: `SLO met again: end-to-end p${q} ${Math.round(next.endToEnd.pMs)} ms.`,
    });

  for (const stage of next.stages) {
    const q = stage.queue;
    if (!q) continue;
    const before = previous?.stages.find((s) => s.id === stage.id)?.queue;
    const wasAbove = aboveThreshold
      ? aboveThreshold.has(stage.id)
      : before !== undefined && before.ready > before.depthThreshold;
    if (!wasAbove && q.ready > q.depthThreshold) {
      aboveThreshold?.add(stage.id);
      events.push({
        at,
        kind: 'queue-above-threshold',
        stageId: stage.id,
        message: `${stage.label} crossed its depth threshold: ${q.ready} ready (threshold ${q.depthThreshold}), ${q.consumers} ${q.consumers === 1 ? 'consumer' : 'consumers'}.`,
      });
    } else if (wasAbove && q.ready <= q.depthThreshold / 2) {
      aboveThreshold?.delete(stage.id);
      events.push({
        at,
        kind: 'queue-below-threshold',
        stageId: stage.id,
        message: `${stage.label} back under its depth threshold: ${q.ready} ready (threshold ${q.depthThreshold}).`,
      });
    }
  }

  for (const name of Object.keys(next.sources) as SourceName[]) {
    const was = previous?.sources[name]?.status ?? 'ok';
    const now = next.sources[name].status;
    // With nothing before (a first record ever), a source that is not answering is news too: the
    // timeline then says it came back.
    if (was === 'ok' && now !== 'ok')
      events.push({
        at,
        kind: 'source-down',
        stageId: null,
        message: `${name} ${now}: ${next.sources[name].error ?? 'no answer'}`,
      });
    if (was !== 'ok' && now === 'ok' && previous)
      events.push({ at, kind: 'source-up', stageId: null, message: `${name} answering again.` });
  }

  for (const stage of next.stages) {
    const old = previous?.stages.find((s) => s.id === stage.id)?.workers;
    if (old && stage.workers && old.desired !== stage.workers.desired) {
      events.push({
        at,
        kind: 'workers-changed',
        stageId: stage.id,
        message: `${stage.label}: desired workers ${old.desired} -> ${stage.workers.desired} (${stage.workers.job}/${stage.workers.group}).`,
      });
    }
  }
  return events;
}

/**
 * What makes two snapshots different for the history: everything but the timestamp, with rates
 * and times rounded, so that jitter alone does not store a new snapshot every poll.
 */
export function fingerprint(snapshot: Snapshot): string {
  return JSON.stringify(snapshot, (key, value) => {
    if (key === 'generatedAt' || key === 'lastOkAt') return undefined;
    if (typeof value === 'number' && !Number.isInteger(value)) return Math.round(value * 10) / 10;
    return value;
  });
}
