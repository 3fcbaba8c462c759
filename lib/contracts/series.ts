import { z } from 'zod';

/**
 * GET /api/series: one stage's (or `end-to-end`'s) last 15 minutes as lines of points, `t` in Unix
 * seconds and `value` in the line's unit (null where Prometheus had no value). GET /api/trends
 * sends the same lines, from the stored snapshots (`perSec`: messages per second).
 */
export const SeriesLine = z.object({
  key: z.string(),
  label: z.string(),
  unit: z.enum(['ms', 'messages', 'count', 'pct', 'perSec']),
  points: z.array(z.object({ t: z.number(), value: z.number().nullable() })),
});
export type SeriesLine = z.infer<typeof SeriesLine>;

export const StageSeries = z.object({
  stageId: z.string(),
  /** Null until the first fetch. */
  fetchedAt: z.string().nullable(),
  /** The last fetch failed: the lines are the last good ones. */
  error: z.string().optional(),
  lines: z.array(SeriesLine),
});
export type StageSeries = z.infer<typeof StageSeries>;

/** The query string (?stage=&at=); `at` replays the 15 minutes up to a moment (see parseAt). */
export const SeriesQuery = z.object({
  stage: z.string({ error: 'query parameter "stage" is required' }).min(1, 'query parameter "stage" is required'),
  at: z.string().optional(),
});
export type SeriesQuery = z.infer<typeof SeriesQuery>;
