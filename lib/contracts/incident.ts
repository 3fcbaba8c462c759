import { z } from 'zod';
import { AuditRow } from './audit';
import { Snapshot } from './snapshot';
import { TimelineEntry } from './timeline';
import { severities, statuses } from './incident-rules';

/**
 * Incidents: what they are, what may change and in which order, the bodies the incident routes
 * accept and the JSON they answer with. Times are ISO 8601 strings.
 */
export {
  allowedMoves,
  canMove,
  incidentLink,
  isActive,
  isClosed,
  severities,
  statusLabel,
  statuses,
} from './incident-rules';

export const Severity = z.enum(severities);
export type Severity = z.infer<typeof Severity>;

export const IncidentStatus = z.enum(statuses);
export type IncidentStatus = z.infer<typeof IncidentStatus>;

export const Incident = z.object({
  id: z.number(),
  pipeline: z.string(),
  title: z.string(),
  severity: Severity,
  status: IncidentStatus,
  startedAt: z.string(),
  /** Set when it is resolved or dismissed; null while it is active. */
  endedAt: z.string().nullable(),
  /** Who is in charge; null for a suggestion nobody has taken. */
  owner: z.string().nullable(),
  openedBy: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type Incident = z.infer<typeof Incident>;

export const incidentLogKinds = ['opened', 'suggested', 'status', 'owner', 'severity', 'title', 'note'] as const;
export const IncidentLogKind = z.enum(incidentLogKinds);
export type IncidentLogKind = z.infer<typeof IncidentLogKind>;

/** One row of an incident's own log: a change (`from` -> `to`) or a note (`body`). */
export const IncidentLogEntry = z.object({
  id: z.number(),
  incidentId: z.number(),
  at: z.string(),
  author: z.string(),
  authorRole: z.string(),
  kind: IncidentLogKind,
  from: z.string().nullable(),
  to: z.string().nullable(),
  body: z.string(),
});
export type IncidentLogEntry = z.infer<typeof IncidentLogEntry>;

/** Bodies are strict: a misspelt field is an error, not silently ignored. Messages name the rule. */
const text = (max: number) => z.string().trim().min(1, 'must not be empty').max(max, `at most ${max} characters`);

/** POST /api/incidents. */
export const OpenIncidentInput = z
  .object({
    title: text(200),
    severity: z.enum(severities),
    /** When it began, if earlier than now (for example when the bottleneck appeared). */
    startedAt: z.iso.datetime({ offset: true }).optional(),
    note: z.string().trim().max(5000, 'at most 5000 characters').optional(),
  })
  .strict();
export type OpenIncidentInput = z.infer<typeof OpenIncidentInput>;

/** PATCH /api/incidents/<id>: at least one change; a status change needs a reason. */
export const UpdateIncidentInput = z
  .object({
    status: z.enum(statuses).optional(),
    severity: z.enum(severities).optional(),
    title: text(200).optional(),
    /** Take charge (your own name) or hand over to another configured user. */
    owner: z.string().trim().min(1).max(64).optional(),
    /** Why: required for a status change, kept on the timeline and in the postmortem. */
    reason: z.string().trim().max(2000, 'at most 2000 characters').optional(),
  })
  .strict()
  .refine((v) => v.status !== undefined || v.severity !== undefined || v.title !== undefined || v.owner !== undefined, {
    message: 'nothing to change: give status, severity, title or owner',
  })
  .refine((v) => v.status === undefined || (v.reason !== undefined && v.reason.length >= 3), {
    message: 'a status change needs a reason (at least 3 characters)',
    path: ['reason'],
  });
export type UpdateIncidentInput = z.infer<typeof UpdateIncidentInput>;

/** POST /api/incidents/<id>/notes. */
export const NoteInput = z.object({ body: text(5000) }).strict();
export type NoteInput = z.infer<typeof NoteInput>;

/** GET /api/incidents/<id>: the incident, its window (a few minutes either side) and its worst moment. */
export const IncidentDetail = z.object({
  incident: Incident,
  window: z.object({ from: z.string(), to: z.string() }),
  timeline: z.array(TimelineEntry),
  /** The timeline was cut at its event limit; the window holds more. */
  truncated: z.boolean(),
  /** The scale actions from the incident's start to its end (the timeline also has the lead-in). */
  actions: z.array(AuditRow),
  worst: z.object({ at: z.string(), snapshot: Snapshot }).nullable(),
  peak: z.object({ at: z.string(), pMs: z.number(), sloMs: z.number(), quantile: z.number() }).nullable(),
  /**
   * Set only on the detail a server-rendered page starts with: the timeline entries it left out
   * before and after the window it carries (GET /api/incidents/<id> always has them all).
   */
  omitted: z.object({ before: z.number().int().min(0), after: z.number().int().min(0) }).optional(),
});
export type IncidentDetail = z.infer<typeof IncidentDetail>;

/** GET /api/incidents: newest first. */
export const IncidentList = z.object({ incidents: z.array(Incident) });
export type IncidentList = z.infer<typeof IncidentList>;

/** POST /api/incidents/<id>/notes answers with the new log row's id and time. */
export const NoteCreated = z.object({ id: z.number(), at: z.string() });
export type NoteCreated = z.infer<typeof NoteCreated>;

/**
 * The `[id]` route segment: a positive decimal without leading zeros, so that one incident has one
 * URL. At most 16 digits, as before (beyond 2^53 two ids may map to one number).
 */
export const IncidentIdParams = z.object({
  id: z
    .string({ error: 'not an incident id' })
    .regex(/^[1-9]\d{0,15}$/, { error: (issue) => `"${String(issue.input).slice(0, 40)}" is not an incident id` })
    .transform(Number),
});
export type IncidentIdParams = z.infer<typeof IncidentIdParams>;
