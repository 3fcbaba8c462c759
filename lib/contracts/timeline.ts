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

/** GET /api/timeline: the entries between `from` and `to`, oldest first. */
export const TimelinePage = z.object({
  from: z.string(),
  to: z.string(),
  events: z.array(TimelineEntry),
});
export type TimelinePage = z.infer<typeof TimelinePage>;

/**
 * The public view of a timeline line, for anonymous viewers: a source going down is named without
 * what it answered (`rabbitmq down: <error>` becomes `rabbitmq down`).
 */
export function publicEntry(entry: TimelineEntry): TimelineEntry {
  if (entry.kind !== 'source-down') return entry;
  const cut = entry.message.indexOf(': ');
  return cut < 0 ? entry : { ...entry, message: `${entry.message.slice(0, cut)}.` };
}
