import { z } from 'zod';

/**
 * GET /api/pipelines: every configured pipeline in one line each, for the overview (`/` with
 * several pipelines): whether it is healthy, its bottleneck in one sentence, its end-to-end figure
 * against its SLO, and where its own page is.
 */
export const PipelineSummary = z.object({
  name: z.string(),
  /** Its live page: `/p/<name>` (or `/` with a single pipeline). */
  href: z.string(),
  status: z.enum(['healthy', 'bottleneck', 'slo-breach', 'no-data']),
  bottleneck: z.object({ stageId: z.string(), label: z.string(), reason: z.string() }).nullable(),
  endToEnd: z.object({ pMs: z.number().nullable(), sloMs: z.number(), quantile: z.number(), estimated: z.boolean() }),
  /** Sources that are not answering (their names only). */
  sourcesDown: z.array(z.string()),
  generatedAt: z.string(),
});
export type PipelineSummary = z.infer<typeof PipelineSummary>;

export const PipelinesView = z.object({ pipelines: z.array(PipelineSummary) });
export type PipelinesView = z.infer<typeof PipelinesView>;

/** Where a pipeline's pages live when the configuration has several: `/p/<name>`. */
export const pipelinePath = (name: string) => `/p/${encodeURIComponent(name)}`;
