import type { Snapshot, SourceName } from './types';

/**
 * What changed between two consecutive snapshots, as timeline events: the bottleneck appearing,
 * moving or clearing; an SLO breach beginning or ending; a source going down or coming back;
 * worker counts changing (in Nomad, whoever did it). Pure: the recorder stores what this returns.
 */
export type TimelineEventKind =
  | 'bottleneck-appeared'
  | 'bottleneck-moved'
  | 'bottleneck-cleared'
  | 'slo-breach-began'
  | 'slo-breach-ended'
  | 'source-down'
  | 'source-up'
  | 'workers-changed';

export interface TimelineEvent {
  at: string;
  kind: TimelineEventKind;
  stageId: string | null;
  message: string;
}

const breached = (s: Snapshot) => s.endToEnd.pMs !== null && s.endToEnd.pMs > s.endToEnd.sloMs;
const label = (s: Snapshot, id: string) => s.stages.find((st) => st.id === id)?.label ?? id;

export function deriveEvents(previous: Snapshot | null, next: Snapshot): TimelineEvent[] {
  const at = next.generatedAt;
  const events: TimelineEvent[] = [];
  const before = previous?.bottleneck ?? null;
  const after = next.bottleneck;
  if (!before && after) events.push({ at, kind: 'bottleneck-appeared', stageId: after.stageId, message: `Bottleneck: ${label(next, after.stageId)}. ${after.reason}` });
  else if (before && after && before.stageId !== after.stageId) events.push({ at, kind: 'bottleneck-moved', stageId: after.stageId, message: `Bottleneck moved from ${label(next, before.stageId)} to ${label(next, after.stageId)}. ${after.reason}` });
  else if (before && !after) events.push({ at, kind: 'bottleneck-cleared', stageId: before.stageId, message: `Bottleneck at ${label(next, before.stageId)} cleared.` });

  const q = Math.round(next.endToEnd.quantile * 100);
  const wasBreached = previous ? breached(previous) : false;
  if (!wasBreached && breached(next)) events.push({ at, kind: 'slo-breach-began', stageId: null, message: `SLO breached: end-to-end p${q} ${Math.round(next.endToEnd.pMs!)} ms > ${next.endToEnd.sloMs} ms.` });
  if (wasBreached && !breached(next) && next.endToEnd.pMs !== null) events.push({ at, kind: 'slo-breach-ended', stageId: null, message: `SLO met again: end-to-end p${q} ${Math.round(next.endToEnd.pMs)} ms.` });

  for (const name of Object.keys(next.sources) as SourceName[]) {
    const was = previous?.sources[name]?.status ?? 'ok';
    const now = next.sources[name].status;
    if (was === 'ok' && now !== 'ok' && previous) events.push({ at, kind: 'source-down', stageId: null, message: `${name} ${now}: ${next.sources[name].error ?? 'no answer'}` });
    if (was !== 'ok' && now === 'ok' && previous) events.push({ at, kind: 'source-up', stageId: null, message: `${name} answering again.` });
  }

  for (const stage of next.stages) {
    const old = previous?.stages.find((s) => s.id === stage.id)?.workers;
    if (old && stage.workers && old.desired !== stage.workers.desired) {
      events.push({ at, kind: 'workers-changed', stageId: stage.id, message: `${stage.label}: desired workers ${old.desired} -> ${stage.workers.desired} (${stage.workers.job}/${stage.workers.group}).` });
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
