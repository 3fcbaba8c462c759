import { z } from 'zod';

/** The audit log: one row per action, pending before the source is called, completed after. */
export const auditOutcomes = ['pending', 'succeeded', 'failed', 'refused'] as const;

export const AuditOutcome = z.enum(auditOutcomes);
export type AuditOutcome = z.infer<typeof AuditOutcome>;

export const AuditRow = z.object({
  id: z.number(),
  createdAt: z.string(),
  /** Null while the action is pending. */
  completedAt: z.string().nullable(),
  actor: z.string(),
  actorRole: z.string(),
  action: z.string(),
  job: z.string(),
  group: z.string(),
  /** The count before: null until the source was read (a refusal may come first). */
  from: z.number().nullable(),
  to: z.number(),
  reason: z.string(),
  outcome: AuditOutcome,
  cooldownOverride: z.boolean(),
  /** Nomad's evaluation id, when Nomad accepted the change. */
  evalId: z.string().nullable(),
  error: z.string().nullable(),
  idempotencyKey: z.string(),
});
export type AuditRow = z.infer<typeof AuditRow>;

/**
 * GET /api/audit's query string (?actor=&job=&group=&outcome=&limit=). Not strict: a query string
 * may carry parameters meant for others. `limit` arrives as text, hence the coercion.
 */
export const AuditFilter = z.object({
  actor: z.string().max(64).optional(),
  job: z.string().max(200).optional(),
  group: z.string().max(200).optional(),
  outcome: AuditOutcome.optional(),
  limit: z.coerce.number().int().min(1).max(500).optional(),
});
export type AuditFilter = z.infer<typeof AuditFilter>;

/** GET /api/audit: newest first. */
export const AuditList = z.object({ entries: z.array(AuditRow) });
export type AuditList = z.infer<typeof AuditList>;
