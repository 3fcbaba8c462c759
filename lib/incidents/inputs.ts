import { z } from 'zod';
import { severities, statuses } from './model';

/** The bodies the incident routes accept, with messages that name the field. */
const text = (max: number) => z.string().trim().min(1, 'must not be empty').max(max, `at most ${max} characters`);

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

export const NoteInput = z.object({ body: text(5000) }).strict();
