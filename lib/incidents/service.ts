import 'server-only';
import type { TimelineEvent } from '../analysis/derive-events';
import type { Snapshot } from '../analysis/types';
import type { GuardContext } from '../actions/guard';
import { actionFail, actionOk, type ActionResult } from '../actions/result';
import { parseAt } from '../history/parse-at';
import type { Db } from '../store/db';
import { auditLog, type AuditRow } from '../store/audit-log';
import { history } from '../store/history';
import { incidents, type Author } from '../store/incidents';
import { announce } from './bus';
import { allowedMoves, canMove, type Incident } from './model';
import type { NoteInput, OpenIncidentInput, UpdateIncidentInput } from './inputs';
import { decideSuggestion } from './suggest';
import { mergeTimeline, type TimelineEntry } from './timeline';
import type { z } from 'zod';

/**
 * Incidents as actions (open, change, note: each behind the guard, each leaving a log row with
 * the author) and as reads (the detail with its timeline, the worst moment). The recorder calls
 * `suggestFromEvents` with every stored batch of events.
 */
const leadInMs = 2 * 60_000;
const tailMs = 5 * 60_000;
const maxTimelineEvents = 5000;

export const incidentLink = (id: number, at?: string) => `/incidents/${id}${at ? `?at=${encodeURIComponent(at)}` : ''}`;

const authorOf = (ctx: GuardContext): Author => ({ name: ctx.user.name, role: ctx.user.role });

export function parseIncidentId(raw: string | undefined): number | null {
  if (!raw || !/^[1-9]\d{0,15}$/.test(raw)) return null;
  return Number(raw);
}

export async function openIncident(
  db: Db,
  ctx: GuardContext,
  input: OpenIncidentInput,
  nowMs = Date.now(),
): Promise<ActionResult<Incident>> {
  let startedAt = new Date(nowMs).toISOString();
  if (input.startedAt) {
    const parsed = parseAt(input.startedAt, nowMs);
    if (!parsed.ok) return actionFail('invalid', `startedAt: ${parsed.message}`);
    const oldest = nowMs - ctx.config.history.retentionHours * 3_600_000;
    if (parsed.at.getTime() < oldest)
      return actionFail(
        'invalid',
        `startedAt: ${parsed.at.toISOString()} is older than the retained history (${ctx.config.history.retentionHours} h)`,
      );
    startedAt = parsed.at.toISOString();
  }
  const incident = await incidents(db).create({
    pipeline: ctx.config.pipeline.name,
    title: input.title,
    severity: input.severity,
    status: 'investigating',
    startedAt,
    owner: ctx.user.name,
    author: authorOf(ctx),
    body: input.note,
  });
  announce({ topic: 'incident', incidentId: incident.id });
  return actionOk(incident);
}

/**
 * Applies the requested changes one field at a time, each checked against the value the
 * incident has now (a change made by someone else in between is a 409, not an overwrite).
 */
export async function updateIncident(
  db: Db,
  ctx: GuardContext,
  id: number,
  input: UpdateIncidentInput,
): Promise<ActionResult<Incident>> {
  const store = incidents(db);
  let incident = await store.get(ctx.config.pipeline.name, id);
  if (!incident) return actionFail('not_found', `no incident #${id}`);
  const users = new Set((ctx.config.auth?.users ?? []).map((u) => u.name));
  if (input.owner !== undefined && !users.has(input.owner))
    return actionFail('invalid', `owner: "${input.owner}" is not a configured user`);
  if (input.status !== undefined && input.status !== incident.status && !canMove(incident.status, input.status)) {
    const moves = allowedMoves(incident.status);
    return actionFail(
      'conflict',
      `incident #${id} is ${incident.status}: it can move to ${moves.join(' or ')}, not ${input.status}`,
    );
  }
  const author = authorOf(ctx);
  const steps: Array<['status' | 'severity' | 'title' | 'owner', string, string]> = [];
  if (input.status !== undefined && input.status !== incident.status)
    steps.push(['status', input.status, input.reason ?? '']);
  // Taking a suggestion (or reopening) without anyone in charge puts the taker in charge.
  const owner =
    input.owner ?? (input.status === 'investigating' && incident.owner === null ? ctx.user.name : undefined);
  if (owner !== undefined && owner !== incident.owner) steps.push(['owner', owner, '']);
  if (input.severity !== undefined && input.severity !== incident.severity)
    steps.push(['severity', input.severity, input.reason ?? '']);
  if (input.title !== undefined && input.title !== incident.title) steps.push(['title', input.title, '']);
  const applied: string[] = [];
  try {
    for (const [field, to, body] of steps) {
      const changed = await store.change(id, field, incident[field], to, author, body);
      if (!changed) {
        const done = applied.length > 0 ? ` (${applied.join(' and ')} changed before that)` : '';
        return actionFail(
          'conflict',
          `incident #${id} changed while you were editing it: its ${field} is no longer ${incident[field] ?? 'empty'}${done}; reload and try again`,
        );
      }
      incident = changed;
      applied.push(field);
    }
    return actionOk(incident);
  } finally {
    // Whatever was applied, even before a conflict, reaches the other open pages.
    if (applied.length > 0) announce({ topic: 'incident', incidentId: id });
  }
}

export async function addNote(
  db: Db,
  ctx: GuardContext,
  id: number,
  input: z.infer<typeof NoteInput>,
): Promise<ActionResult<{ id: number; at: string }>> {
  if (!(await incidents(db).get(ctx.config.pipeline.name, id))) return actionFail('not_found', `no incident #${id}`);
  const entry = await incidents(db).note(id, authorOf(ctx), input.body);
  if (!entry) return actionFail('not_found', `no incident #${id}`);
  announce({ topic: 'incident', incidentId: id });
  return actionOk({ id: entry.id, at: entry.at });
}

export interface IncidentDetail {
  incident: Incident;
  window: { from: string; to: string };
  timeline: TimelineEntry[];
  truncated: boolean;
  /** The scale actions from the incident's start to its end (the timeline also has the lead-in). */
  actions: AuditRow[];
  worst: { at: string; snapshot: Snapshot } | null;
  peak: { at: string; pMs: number; sloMs: number; quantile: number } | null;
}

/** The incident, its window (a few minutes either side), its merged timeline and its worst moment. */
export async function loadIncident(
  db: Db,
  pipeline: string,
  id: number,
  nowMs = Date.now(),
): Promise<IncidentDetail | null> {
  const store = incidents(db);
  const incident = await store.get(pipeline, id);
  if (!incident) return null;
  const from = new Date(Date.parse(incident.startedAt) - leadInMs);
  const to = new Date(Math.min(nowMs, incident.endedAt ? Date.parse(incident.endedAt) + tailMs : nowMs));
  // The timeline has a lead-in and a tail for context; the worst moment, the peak and the
  // incident's own actions lie between its start and its end.
  const start = new Date(incident.startedAt);
  const end = new Date(Math.min(nowMs, incident.endedAt ? Date.parse(incident.endedAt) : nowMs));
  const [events, actions, log, worst, peak] = await Promise.all([
    history(db).events(pipeline, from, to, maxTimelineEvents + 1),
    auditLog(db).list({ from, to, limit: 500 }),
    store.logOf(id),
    store.worstSnapshot(pipeline, start, end),
    store.peakLatency(pipeline, start, end),
  ]);
  const truncated = events.length > maxTimelineEvents;
  const chronological = actions.slice().reverse();
  const timeline = mergeTimeline({ events: events.slice(0, maxTimelineEvents), actions: chronological, log }, (at) =>
    incidentLink(id, at),
  );
  // The timeline shows the lead-in for context; the incident's own actions start with it.
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
 * Called with each stored batch of events, and by a slow tick with none while the pipeline is
 * healthy: suggest, escalate, or withdraw a suggestion nobody took.
 */
export async function suggestFromEvents(
  db: Db,
  pipeline: string,
  events: TimelineEvent[],
  snapshot: Snapshot,
  healthySinceMs: number | null = null,
): Promise<void> {
  const store = incidents(db);
  const active = await store.active(pipeline);
  const decision = decideSuggestion(events, snapshot, active, healthySinceMs);
  if (!decision) return;
  const warroom: Author = { name: 'warroom', role: 'system' };
  if (decision.kind === 'suggest') {
    const incident = await store.create({
      pipeline,
      title: decision.title,
      severity: decision.severity,
      status: 'suggested',
      startedAt: decision.startedAt,
      owner: null,
      author: warroom,
      body: decision.body,
    });
    announce({ topic: 'incident', incidentId: incident.id });
  } else if (active && decision.kind === 'escalate') {
    await store.change(
      active.id,
      'severity',
      active.severity,
      decision.severity,
      warroom,
      decision.reason,
      'suggested',
    );
    announce({ topic: 'incident', incidentId: active.id });
  } else if (active) {
    await store.change(active.id, 'status', 'suggested', 'dismissed', warroom, decision.reason, 'suggested');
    announce({ topic: 'incident', incidentId: active.id });
  }
}
