import type { TimelineEvent } from '../analysis/derive-events';
import type { Snapshot } from '../analysis/types';
import type { IncidentStatus, Severity } from './model';

/**
 * When warroom suggests an incident, and when it withdraws its suggestion. Pure.
 * - A bottleneck appearing or an SLO breach beginning, with no incident needing attention,
 *   suggests one (started at that event), severity sev2 when the SLO is breached, sev3 otherwise.
 * - A suggestion that began as a bottleneck is raised to sev2 when the SLO breach follows.
 * - A suggestion nobody took is dismissed when the pipeline is healthy again.
 * Incidents people opened are theirs: warroom never changes them.
 */
export type SuggestionDecision =
  | { kind: 'suggest'; title: string; severity: Severity; startedAt: string; body: string }
  | { kind: 'dismiss'; reason: string }
  | { kind: 'escalate'; severity: Severity; reason: string }
  | null;

const breached = (s: Snapshot) => s.endToEnd.pMs !== null && s.endToEnd.pMs > s.endToEnd.sloMs;

export function decideSuggestion(events: TimelineEvent[], snapshot: Snapshot, active: { status: IncidentStatus; severity: Severity } | null): SuggestionDecision {
  const q = Math.round(snapshot.endToEnd.quantile * 100);
  if (!active) {
    const trigger = events.find((e) => e.kind === 'bottleneck-appeared' || e.kind === 'slo-breach-began' || e.kind === 'bottleneck-moved');
    if (!trigger || (!snapshot.bottleneck && !breached(snapshot))) return null;
    const stage = snapshot.bottleneck ? snapshot.stages.find((s) => s.id === snapshot.bottleneck!.stageId) : undefined;
    const title = stage
      ? `${stage.label} bottleneck${breached(snapshot) ? `, end-to-end p${q} over the ${snapshot.endToEnd.sloMs / 1000} s SLO` : ''}`
      : `End-to-end p${q} over the ${snapshot.endToEnd.sloMs / 1000} s SLO`;
    const body = events
      .filter((e) => e.kind === 'bottleneck-appeared' || e.kind === 'bottleneck-moved' || e.kind === 'slo-breach-began')
      .map((e) => e.message)
      .join(' ');
    return { kind: 'suggest', title, severity: breached(snapshot) ? 'sev2' : 'sev3', startedAt: trigger.at, body };
  }
  const breach = events.find((e) => e.kind === 'slo-breach-began');
  if (active.status === 'suggested' && active.severity === 'sev3' && breach) return { kind: 'escalate', severity: 'sev2', reason: breach.message };
  if (active.status === 'suggested' && !snapshot.bottleneck && !breached(snapshot) && events.some((e) => e.kind === 'bottleneck-cleared' || e.kind === 'slo-breach-ended')) {
    const p = snapshot.endToEnd.pMs === null ? 'unknown' : `${snapshot.endToEnd.pMs} ms`;
    return { kind: 'dismiss', reason: `Cleared by itself before anyone took it: no bottleneck, end-to-end p${q} ${p}.` };
  }
  return null;
}
