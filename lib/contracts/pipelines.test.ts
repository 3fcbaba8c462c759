import { describe, expect, it } from 'vitest';
import { PipelineSummary, PipelinesView } from './pipelines';

const summary: PipelineSummary = {
  name: 'doc-search',
  href: '/p/doc-search',
  status: 'bottleneck',
  bottleneck: {
    stageId: 'result-writers',
    label: 'Result writers',
    reason: 'Results queue: 80 ready and no consumer.',
  },
  endToEnd: { pMs: 6400, sloMs: 8000, quantile: 0.9, estimated: true },
  sourcesDown: [],
  generatedAt: '2026-12-02T09:42:00.000Z',
};

describe('PipelinesView', () => {
  it('parses a summary unchanged, with every field required and null only where it may be', () => {
    expect(PipelinesView.parse({ pipelines: [summary] })).toEqual({ pipelines: [summary] });
    for (const key of Object.keys(summary) as Array<keyof PipelineSummary>) {
      const without: Record<string, unknown> = { ...summary };
      delete without[key];
      expect(PipelineSummary.safeParse(without).success, `without ${key}`).toBe(false);
      expect(PipelineSummary.safeParse({ ...summary, [key]: null }).success, `${key}: null`).toBe(key === 'bottleneck');
    }
    expect(PipelineSummary.safeParse({ ...summary, endToEnd: { ...summary.endToEnd, pMs: null } }).success).toBe(true);
    expect(PipelineSummary.safeParse({ ...summary, status: 'fine' }).success).toBe(false);
  });
});
