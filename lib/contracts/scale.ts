import { z } from 'zod';

/**
 * Scaling a worker group through Nomad: the bodies POST /api/actions/scale/preview and
 * POST /api/actions/scale accept (strict, with messages a person can act on) and what they answer.
 */
export const ScalePreviewInput = z.strictObject({
  job: z.string().min(1).max(200),
  group: z.string().min(1).max(200),
  count: z
    .number()
    .int('count must be a whole number')
    .min(0, 'count cannot be negative')
    .max(10_000, 'count is unreasonably large'),
});
export type ScalePreviewInput = z.infer<typeof ScalePreviewInput>;

export const ScaleInput = ScalePreviewInput.extend({
  reason: z.string().trim().min(3, 'give a reason (at least 3 characters)').max(500),
  /** Chosen by the client per attempt, so a retried request is not applied twice. */
  idempotencyKey: z.string().min(8).max(100),
  /** The job's modify index the preview saw: a change made since then is a conflict. */
  expectedModifyIndex: z.number().int().positive().optional(),
  overrideCooldown: z.boolean().optional(),
  /** The group's name, typed by the user, for large changes. */
  confirm: z.string().max(200).optional(),
  /**
   * Pause the group's enabled autoscaler policy for this many minutes, in the same change as the
   * scale; warroom enables it again when they are over.
   */
  pauseAutoscalerMinutes: z
    .number()
    .int('minutes must be a whole number')
    .min(5, 'pause the autoscaler for at least 5 minutes')
    .max(240, 'pause the autoscaler for at most 240 minutes')
    .optional(),
});
export type ScaleInput = z.infer<typeof ScaleInput>;

export const ScalePreview = z.object({
  job: z.string(),
  group: z.string(),
  current: z.number(),
  to: z.number(),
  running: z.number().nullable(),
  /** `min`/`max` apply: warroom's limits (`limit*`) narrowed by the group's Nomad scaling bounds. */
  bounds: z.object({
    min: z.number(),
    max: z.number(),
    nomadMin: z.number().nullable(),
    nomadMax: z.number().nullable(),
    limitMin: z.number(),
    limitMax: z.number(),
  }),
  jobModifyIndex: z.number(),
  cooldown: z.object({
    seconds: z.number(),
    remainingSec: z.number(),
    lastBy: z.string().nullable(),
    lastAt: z.string().nullable(),
  }),
  /** The change must be confirmed by typing `confirmPhrase`. */
  largeChange: z.boolean(),
  confirmPhrase: z.string(),
  /** Null when the group drains no known queue. */
  projection: z
    .object({
      drainSeconds: z.number().nullable(),
      capacityPerSec: z.number().nullable(),
      arrivalPerSec: z.number().nullable(),
    })
    .nullable(),
  /** The group's Nomad autoscaler policy (enabled, bounds), or null when it has none. */
  autoscaler: z.object({ enabled: z.boolean(), min: z.number().nullable(), max: z.number() }).nullable(),
  /** Why it cannot be done now (bounds, cooldown), or null. */
  blocked: z.string().nullable(),
});
export type ScalePreview = z.infer<typeof ScalePreview>;

export const ScaleOutcome = z.object({
  auditId: z.number(),
  job: z.string(),
  group: z.string(),
  from: z.number(),
  to: z.number(),
  evalId: z.string(),
  /** The idempotency key was used before: this is the earlier request's result, nothing was done again. */
  repeated: z.boolean(),
  /** When the autoscaler policy this scale paused will be enabled again. */
  autoscalerPausedUntil: z.string().optional(),
  /**
   * Nomad did not answer in time and no read has shown the scale yet: not failed but unknown. The
   * audit row stays pending until a read of Nomad settles it (applied, or not within a minute).
   */
  checking: z.string().optional(),
});
export type ScaleOutcome = z.infer<typeof ScaleOutcome>;
