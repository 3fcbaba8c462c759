import { isSloBreached as breached } from '../contracts/snapshot';
import { type TimelineEvent } from '../contracts/timeline';
import type { Snapshot } from '../contracts/snapshot';
import type { IncidentStatus, Severity } from '../contracts/incident';

/**
 * When warroom suggests an incident, and when it withdraws its suggestion. Pure.
 * - A bottleneck appearing or an SLO breach beginning, with no incident needing attention,
 *   suggests one (started at that event), severity sev2 when the SLO is breached, sev3 otherwise.
 * - A suggestion that began as a bottleneck is raised to sev2 when the SLO breach follows.
 * - A suggestion nobody took is withdrawn once the pipeline has been healthy for `settleMs`
 *   (a bottleneck that flickers while a queue hovers at its threshold does not make the
 *   suggestion come and go).
 * Incidents people opened are theirs: warroom never changes them.
 */
export type SuggestionDecision =
  | { kind: 'suggest'; title: string; severity: Severity; startedAt: string; body: string }
  | { kind: 'dismiss'; reason: string }
  | { kind: 'escalate'; severity: Severity; reason: string }
  | null;

export const settleMs = 60_000;

/** The events that make warroom suggest an incident. */
const triggers = new Set<TimelineEvent['kind']>([
  'bottleneck-appeared',
  'bottleneck-moved',
  'slo-breach-began',
  // An alert firing while the pipeline is not healthy: the same trouble seen from the monitoring.
  'alert-firing',
]);

/** Healthy: no bottleneck and the SLO met (or no end-to-end figure). */
export const isHealthy = (s: Snapshot) => !s.bottleneck && !breached(s);

export function decideSuggestion(
  events: TimelineEvent[],
  snapshot: Snapshot,
  active: { status: IncidentStatus; severity: Severity } | null,
  /** Since when the pipeline has been healthy without a break (null: it is not). */
  healthySinceMs: number | null = null,
): SuggestionDecision {
  const q = Math.round(snapshot.endToEnd.quantile * 100);
  if (!active) {
    const trigger = events.find((e) => triggers.has(e.kind));
    if (!trigger || isHealthy(snapshot)) return null;
    const stage = snapshot.bottleneck ? snapshot.stages.find((s) => s.id === snapshot.bottleneck!.stageId) : undefined;
    const title = stage
      ? `${stage.label} bottleneck${breached(snapshot) ? `, end-to-end p${q} over the ${snapshot.endToEnd.sloMs / 1000} s SLO` : ''}`
      : `End-to-end p${q} over the ${snapshot.endToEnd.sloMs / 1000} s SLO`;
    const body = events
      .filter((e) => triggers.has(e.kind))
      .map((e) => e.message)
      .join(' ');
    return { kind: 'suggest', title, severity: breached(snapshot) ? 'sev2' : 'sev3', startedAt: trigger.at, body };
  }
  const breach = events.find((e) => e.kind === 'slo-breach-began');
  if (active.status === 'suggested' && active.severity === 'sev3' && breach)
    return { kind: 'escalate', severity: 'sev2', reason: breach.message };
  if (
    active.status === 'suggested' &&
    healthySinceMs !== null &&
    isHealthy(snapshot) &&
    Date.parse(snapshot.generatedAt) - healthySinceMs >= settleMs
  ) {
    const p = snapshot.endToEnd.pMs === null ? 'unknown' : `${snapshot.endToEnd.pMs} ms`;
    return {
      kind: 'dismiss',
      reason: `Cleared by itself before anyone took it: healthy for ${Math.round((Date.parse(snapshot.generatedAt) - healthySinceMs) / 1000)} s, end-to-end p${q} ${p}.`,
    };
  }
  return null;
}
