import { z } from 'zod';

/**
 * POST /api/integrations/alertmanager: Alertmanager's webhook payload (version 4), as its
 * `webhook_configs` send it, and what warroom answers. Loose where Alertmanager may add fields.
 */
export const AlertmanagerAlert = z.looseObject({
  status: z.enum(['firing', 'resolved']),
  labels: z.record(z.string(), z.string()),
  annotations: z.record(z.string(), z.string()).default({}),
  startsAt: z.string(),
  endsAt: z.string().optional(),
  generatorURL: z.string().optional(),
  fingerprint: z
    .string()
    .regex(/^[0-9A-Za-z]{1,64}$/, 'a fingerprint is 1 to 64 letters and digits (Alertmanager sends hex)'),
});
export type AlertmanagerAlert = z.infer<typeof AlertmanagerAlert>;

export const AlertmanagerWebhook = z.looseObject({
  version: z.literal('4'),
  groupKey: z.string().optional(),
  status: z.enum(['firing', 'resolved']),
  receiver: z.string().optional(),
  alerts: z.array(AlertmanagerAlert).max(1000),
});
export type AlertmanagerWebhook = z.infer<typeof AlertmanagerWebhook>;

export const AlertsReceived = z.object({
  /** Timeline events written: a state an alert was already in is not said again. */
  recorded: z.number(),
});
export type AlertsReceived = z.infer<typeof AlertsReceived>;
