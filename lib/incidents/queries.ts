import type { IncidentDetail } from '../contracts/incident';
import { incidentLink } from '../contracts/incident';
import type { TimelinePage } from '../contracts/timeline';
import type { IncidentDeps } from './deps';
import { mergeTimeline } from './timeline';

/**
 * Reads: the incident with its window (a few minutes either side), its merged timeline and its
 * worst moment; the pipeline's timeline between two moments.
 */
const leadInMs = 2 * 60_000;
const tailMs = 5 * 60_000;
const maxTimelineEvents = 5000;

type ReadDeps = Pick<IncidentDeps, 'pipeline' | 'incidents' | 'history' | 'audit'>;

export async function loadIncident(deps: ReadDeps, id: number, nowMs = Date.now()): Promise<IncidentDetail | null> {
  const { pipeline } = deps;
  const incident = await deps.incidents.get(pipeline, id);
  if (!incident) return null;
  const from = new Date(Date.parse(incident.startedAt) - leadInMs);
  const to = new Date(Math.min(nowMs, incident.endedAt ? Date.parse(incident.endedAt) + tailMs : nowMs));
  // The timeline has a lead-in and a tail for context; the worst moment, the peak and the
  // incident's own actions lie between its start and its end.
  const start = new Date(incident.startedAt);
  const end = new Date(Math.min(nowMs, incident.endedAt ? Date.parse(incident.endedAt) : nowMs));
  const [events, actions, log, worst, peak] = await Promise.all([
    deps.history.events(pipeline, from, to, maxTimelineEvents + 1),
    deps.audit.list({ from, to, limit: 500 }),
    deps.incidents.logOf(id),
    deps.incidents.worstSnapshot(pipeline, start, end),
    deps.incidents.peakLatency(pipeline, start, end),
  ]);
  const truncated = events.length > maxTimelineEvents;
  const chronological = actions.slice().reverse();
  const timeline = mergeTimeline({ events: events.slice(0, maxTimelineEvents), actions: chronological, log }, (at) =>
    incidentLink(id, at),
  );
  const own = chronological.filter(
    (a) => a.createdAt >= incident.startedAt && Date.parse(a.createdAt) <= end.getTime(),
  );
  return {
    incident,
    window: { from: from.toISOString(), to: to.toISOString() },
    timeline,
    truncated,
    actions: own,
    worst,
    peak,
  };
}

/** What happened between two moments: derived events and every action, in time order, each linked to its moment. */
export async function loadTimeline(deps: ReadDeps, from: Date, to: Date): Promise<TimelinePage> {
  const events = await deps.history.events(deps.pipeline, from, to);
  const actions = (await deps.audit.list({ from, to, limit: 500 })).reverse();
  const all = mergeTimeline({ events, actions }, (at) => `/?at=${encodeURIComponent(at)}`);
  return { from: from.toISOString(), to: to.toISOString(), events: all };
}
