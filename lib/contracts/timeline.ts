import { z } from 'zod';

/**
 * The timeline: what warroom saw change between snapshots (events), and those merged with what
 * people did (actions, incident log) into entries that link to their moment. Times are ISO 8601.
 */
export const timelineEventKinds = [
  'bottleneck-appeared',
  'bottleneck-moved',
  'bottleneck-cleared',
  'slo-breach-began',
  'slo-breach-ended',
  'queue-above-threshold',
  'queue-below-threshold',
  'source-down',
  'source-up',
  'workers-changed',
  // From Nomad's event stream: a deployment's progress; an allocation failed, OOM-killed or restarting;
  // a new version of a job registered (not a scale: counts are workers-changed) or a job stopped.
  'deployment',
  'allocation-trouble',
  'job-registered',
  // From Alertmanager's webhook.
  'alert-firing',
  'alert-resolved',
] as const;

export const TimelineEventKind = z.enum(timelineEventKinds);
export type TimelineEventKind = z.infer<typeof TimelineEventKind>;

/** One change derived from two consecutive snapshots; `stageId` is null for pipeline-wide events. */
export const TimelineEvent = z.object({
  at: z.string(),
  kind: TimelineEventKind,
  stageId: z.string().nullable(),
  message: z.string(),
});
export type TimelineEvent = z.infer<typeof TimelineEvent>;

/**
 * One line of a merged timeline. `kind` stays an open string: it is an event kind, 'action',
 * 'note' or `incident-<log kind>`, and a page shows kinds it does not know as plain text.
 */
export const TimelineEntry = z.object({
  at: z.string(),
  kind: z.string(),
  source: z.enum(['warroom', 'action', 'incident']),
  stageId: z.string().nullable(),
  /** Null for what warroom itself saw or suggested. */
  author: z.string().nullable(),
  message: z.string(),
  /** Where the entry's moment can be seen (a replay or incident link). */
  link: z.string(),
});
export type TimelineEntry = z.infer<typeof TimelineEntry>;

/**
 * Where a page of the timeline ends: its last event's time, to the microsecond as PostgreSQL keeps
 * it, and its id. The next page holds what lies strictly before it in (time, id) order, so events
 * stored in the meantime (newer, or tied in time but with a higher id) neither repeat nor push any
 * older event out of sight. Microseconds since 1970 up to 2^53 - 1 (the year 2255): exact in a
 * JavaScript number.
 */
export interface TimelineCursor {
  atUs: number;
  id: number;
}

/** Events per page: the default, and the most one request may ask for. */
export const timelinePageSize = { default: 100, max: 500 } as const;

const cursorText = /^(0|[1-9]\d{0,15})\.([1-9]\d{0,15})$/;
const badCursor = 'not a cursor from this timeline (use the nextCursor of a page, or none for the newest page)';

// btoa/atob rather than Buffer: contracts are imported by the browser too. The text is ASCII.
const toBase64Url = (text: string) => btoa(text).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');

/** Opaque to clients: base64url of "<atUs>.<id>". */
export function encodeTimelineCursor(cursor: TimelineCursor): string {
  return toBase64Url(`${cursor.atUs}.${cursor.id}`);
}

/**
 * The cursor a page gave out, or why this text is not one. Never throws: whatever a client sends
 * (truncated, tampered, re-encoded, out of range) is an error value, which the route answers with a
 * 400 naming `cursor`.
 */
export function decodeTimelineCursor(
  raw: string,
): { ok: true; cursor: TimelineCursor } | { ok: false; message: string } {
  if (raw.length === 0 || raw.length > 64 || !/^[A-Za-z0-9_-]+$/.test(raw)) return { ok: false, message: badCursor };
  let text: string;
  try {
    text = atob(raw.replace(/-/g, '+').replace(/_/g, '/'));
  } catch {
    return { ok: false, message: badCursor };
  }
  const m = cursorText.exec(text);
  if (!m) return { ok: false, message: badCursor };
  const cursor = { atUs: Number(m[1]), id: Number(m[2]) };
  if (!Number.isSafeInteger(cursor.atUs) || !Number.isSafeInteger(cursor.id)) return { ok: false, message: badCursor };
  // One spelling per cursor: other encodings of the same bytes (stray low bits) are refused too.
  if (encodeTimelineCursor(cursor) !== raw) return { ok: false, message: badCursor };
  return { ok: true, cursor };
}

/** `?cursor=` as text in, a TimelineCursor out; a bad one is an issue on `cursor`. */
export const TimelineCursorParam = z.string().transform((raw, ctx) => {
  const decoded = decodeTimelineCursor(raw);
  if (decoded.ok) return decoded.cursor;
  ctx.addIssue({ code: 'custom', message: decoded.message });
  return z.NEVER;
});

/**
 * GET /api/timeline's query string. `from`/`to` are checked by the route (parseAt, with messages
 * a person can act on); `limit` arrives as text, hence the coercion. Not strict: a query string may
 * carry parameters meant for others.
 */
export const TimelineQuery = z.object({
  from: z.string().optional(),
  to: z.string().optional(),
  limit: z.coerce.number().int().min(1).max(timelinePageSize.max).default(timelinePageSize.default),
  cursor: TimelineCursorParam.optional(),
});
export type TimelineQuery = z.infer<typeof TimelineQuery>;

/**
 * GET /api/timeline: one page of the entries between `from` and `to`, newest first. `limit` counts
 * what warroom saw (derived events); the actions people took in the same stretch of time come with
 * them (they are few: one per scale). `nextCursor` asks for the page before this one (older), null
 * when this page reaches `from`.
 */
export const TimelineCursorPage = z.object({
  from: z.string(),
  to: z.string(),
  events: z.array(TimelineEntry),
  nextCursor: z.string().nullable(),
});
export type TimelineCursorPage = z.infer<typeof TimelineCursorPage>;

/**
 * The public view of a timeline line, for anonymous viewers: a source going down is named without
 * what it answered (`rabbitmq down: <error>` becomes `rabbitmq down`).
 */
export function publicEntry(entry: TimelineEntry): TimelineEntry {
  if (entry.kind !== 'source-down') return entry;
  const cut = entry.message.indexOf(': ');
  return cut < 0 ? entry : { ...entry, message: `${entry.message.slice(0, cut)}.` };
}
