import type { Snapshot } from '../../contracts/snapshot';
import type { TimelineEvent } from '../../contracts/timeline';
import { warroomAuthor, type IncidentDeps } from '../deps';
import { decideSuggestion } from '../suggest';

/**
 * warroom's own incident changes, decided by `decideSuggestion` (pure): suggest one, raise a
 * suggestion's severity, or withdraw a suggestion nobody took. Called with each stored batch of
 * events, and with none by a slow tick while the pipeline is healthy.
 */
export async function suggestIncident(
  deps: IncidentDeps,
  events: TimelineEvent[],
  snapshot: Snapshot,
  healthySinceMs: number | null = null,
): Promise<void> {
  const store = deps.incidents;
  const active = await store.active(deps.pipeline);
  const decision = decideSuggestion(events, snapshot, active, healthySinceMs);
  if (!decision) return;
  if (decision.kind === 'suggest') {
    const incident = await store.create({
      pipeline: deps.pipeline,
      title: decision.title,
      severity: decision.severity,
      status: 'suggested',
      startedAt: decision.startedAt,
      owner: null,
      author: warroomAuthor,
      body: decision.body,
    });
    deps.announce({ topic: 'incident', incidentId: incident.id });
  } else if (active && decision.kind === 'escalate') {
    await store.change(
      active.id,
      'severity',
      active.severity,
      decision.severity,
      warroomAuthor,
      decision.reason,
      'suggested',
    );
    deps.announce({ topic: 'incident', incidentId: active.id });
  } else if (active) {
    await store.change(active.id, 'status', 'suggested', 'dismissed', warroomAuthor, decision.reason, 'suggested');
    deps.announce({ topic: 'incident', incidentId: active.id });
  }
}
