import { z } from 'zod';

/**
 * GET /api/health: the dashboard process itself is up (always `ok` when it answers), and whether
 * its configuration loads; `pipeline` is null unless it does, and whether it leads the replicas.
 */
export const Health = z.object({
  status: z.literal('ok'),
  startedAt: z.string(),
  uptimeSec: z.number(),
  config: z.enum(['loaded', 'missing', 'invalid']),
  pipeline: z.string().nullable(),
  /**
   * This process among the replicas on one database: `leader` polls and records, a `follower`
   * serves the leader's snapshots, `alone` cannot reach the database and serves its own polls;
   * null without a loaded configuration. Optional: older servers.
   */
  role: z.enum(['leader', 'follower', 'alone']).nullable().optional(),
});
export type Health = z.infer<typeof Health>;
