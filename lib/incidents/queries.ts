import type { IncidentDetail } from '../contracts/incident';
import { incidentLink } from '../contracts/incident';
import type { TimelineCursor, TimelineEntry } from '../contracts/timeline';
import type { IncidentDeps } from './deps';
import { mergeTimeline } from './timeline';

/**
 * Reads: the incident with its window (a few minutes either side), its merged timeline and its
 * worst moment; the pipeline's timeline between two moments, a page at a time.
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

/**
 * What happened between `from` and `to`, newest first, a page at a time: the events derived from
 * the snapshots (`limit` to a page) and every action from the audit log in the stretch of time the
 * page covers, each with a link to its moment. `before` (a page's `next`) asks for the page before.
 *
 * The events set the pages' bounds; an action belongs to the page whose stretch holds its time:
 * from the page's last event (inclusive) up to the cursor it was asked with (exclusive), or `to`
 * on the first page; the last page reaches down to `from`. These stretches do not overlap, so
 * every action shows once. (Actions are compared at their millisecond, as the audit log gives it.)
 */
export async function loadTimelinePage(
  deps: ReadDeps,
  page: { from: Date; to: Date; before: TimelineCursor | null; limit?: number },
): Promise<{ entries: TimelineEntry[]; next: TimelineCursor | null }> {
  const { from, to, before } = page;
  const events = await deps.history.eventsPage(deps.pipeline, { from, to, before, limit: page.limit });
  const lowestUs = events.next ? events.next.atUs : from.getTime() * 1000;
  const highestUs = Math.min(to.getTime() * 1000, before ? before.atUs - 1 : Infinity);
  // A millisecond either side: the audit log's times are microseconds, compared here at their millisecond.
  const actions = (
    await deps.audit.list({
      from: new Date(Math.floor(lowestUs / 1000) - 1),
      to: new Date(Math.ceil(highestUs / 1000) + 1),
      limit: 500,
    })
  ).filter((a) => {
    const atUs = Date.parse(a.createdAt) * 1000;
    return atUs >= lowestUs && atUs <= highestUs;
  });
  // mergeTimeline keeps equal times in input order, so both go in oldest first and come out reversed.
  const entries = mergeTimeline(
    { events: events.events.slice().reverse(), actions: actions.slice().reverse() },
    (at) => `/?at=${encodeURIComponent(at)}`,
  ).reverse();
  return { entries, next: events.next };
}
