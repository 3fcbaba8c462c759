import { z } from 'zod';

/**
 * GET /api/health: the dashboard process itself is up (always `ok` when it answers), and whether
 * its configuration loads; `pipeline` is null unless it does.
 */
export const Health = z.object({
  status: z.literal('ok'),
  startedAt: z.string(),
  uptimeSec: z.number(),
  config: z.enum(['loaded', 'missing', 'invalid']),
  pipeline: z.string().nullable(),
});
export type Health = z.infer<typeof Health>;
