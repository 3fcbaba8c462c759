import { z } from 'zod';
import { SeriesLine } from './series';
import { parseAt } from './time';

/**
 * GET /api/trends: the stored snapshots of a time range as a few lines on one time axis (the
 * end-to-end latency, the bottleneck queue's depth with its arrival and drain rates, the worker
 * counts), downsampled by the store to at most `maxTrendPoints` buckets whatever the range, and
 * the timeline's moments in the range for markers. The page's trends panel keeps the same range in
 * its address (`?range=1h`, or `?from=&to=`), read by the same parser.
 */

/** The picker's ranges, each ending now. */
export const trendRangeMs = {
  '15m': 15 * 60_000,
  '1h': 3_600_000,
  '6h': 6 * 3_600_000,
  '24h': 24 * 3_600_000,
} as const;
export const TrendRange = z.enum(['15m', '1h', '6h', '24h']);
export type TrendRange = z.infer<typeof TrendRange>;
export const defaultTrendRange: TrendRange = '15m';

/** Points per line at most, whatever the range (a chart a few hundred pixels wide shows no more). */
export const maxTrendPoints = 300;
/** A custom range spans at least a minute and at most a day. */
export const minTrendSpanMs = 60_000;
export const maxTrendSpanMs = trendRangeMs['24h'];

/** The range a query (or a page address) names: a preset ending now, or a custom from/to. */
export interface TrendWindow {
  fromMs: number;
  toMs: number;
  range: TrendRange | 'custom';
}

// Field names in backticks: the contracts' import check reads a word `from` before a quote as an import.
export type TrendWindowResult = { ok: true; window: TrendWindow } | { ok: false; field: string; message: string };

/**
 * `range` alone, `from` and `to` together, or neither (the default range). Times as `?at=` takes
 * them (parseAt: ISO 8601 with a zone, not in the future, not before 1970). Never throws; the
 * messages name the parameter and say what to send instead.
 */
export function resolveTrendWindow(
  raw: { range?: string | null; from?: string | null; to?: string | null },
  nowMs = Date.now(),
): TrendWindowResult {
  const has = (v: string | null | undefined): v is string => v !== undefined && v !== null;
  if (has(raw.range) && (has(raw.from) || has(raw.to)))
    return { ok: false, field: 'range', message: 'give either range or from and to, not both' };
  if (has(raw.range)) {
    const range = TrendRange.safeParse(raw.range);
    if (!range.success)
      return { ok: false, field: 'range', message: `"${raw.range.slice(0, 20)}" is not one of 15m, 1h, 6h, 24h` };
    return { ok: true, window: { fromMs: nowMs - trendRangeMs[range.data], toMs: nowMs, range: range.data } };
  }
  if (!has(raw.from) && !has(raw.to))
    return {
      ok: true,
      window: { fromMs: nowMs - trendRangeMs[defaultTrendRange], toMs: nowMs, range: defaultTrendRange },
    };
  if (!has(raw.from)) return { ok: false, field: `from`, message: 'from is missing: a custom range needs from and to' };
  if (!has(raw.to)) return { ok: false, field: `to`, message: 'to is missing: a custom range needs from and to' };
  const from = parseAt(raw.from, nowMs);
  if (!from.ok) return { ok: false, field: `from`, message: from.message };
  const to = parseAt(raw.to, nowMs);
  if (!to.ok) return { ok: false, field: `to`, message: to.message };
  const spanMs = to.at.getTime() - from.at.getTime();
  if (spanMs <= 0)
    return { ok: false, field: `to`, message: 'to must be later than from (the range ends after it starts)' };
  if (spanMs < minTrendSpanMs) return { ok: false, field: `to`, message: 'a range must span at least a minute' };
  if (spanMs > maxTrendSpanMs) return { ok: false, field: `to`, message: 'a range may span at most 24 h' };
  return { ok: true, window: { fromMs: from.at.getTime(), toMs: to.at.getTime(), range: 'custom' } };
}

/**
 * The query string, resolved to a window at the time of the request; a bad one is an issue on the
 * parameter at fault (the gate's 400). Not strict: a query string may carry parameters for others.
 */
export const TrendsQuery = z
  .object({ range: z.string().optional(), from: z.string().optional(), to: z.string().optional() })
  .transform((raw, ctx): TrendWindow => {
    const resolved = resolveTrendWindow(raw);
    if (resolved.ok) return resolved.window;
    ctx.addIssue({ code: 'custom', path: [resolved.field], message: resolved.message });
    return z.NEVER;
  });
export type TrendsQuery = z.infer<typeof TrendsQuery>;

/** A moment worth a vertical line: a scale, the bottleneck appearing, moving or clearing, a deployment, an incident. */
export const TrendMarker = z.object({
  at: z.string(),
  kind: z.string(),
  source: z.enum(['warroom', 'action', 'incident']),
  message: z.string(),
});
export type TrendMarker = z.infer<typeof TrendMarker>;

export const TrendsView = z.object({
  from: z.string(),
  to: z.string(),
  /** The width of one bucket; each point is the bucket's last stored snapshot's time. */
  bucketSec: z.number(),
  /** Snapshots stored in the range (the recorder skips unchanged ones, so gaps mean "as before"). */
  storedSnapshots: z.number(),
  /** The quantile and SLO of the last snapshot in the range; null without one. */
  endToEnd: z.object({ quantile: z.number(), sloMs: z.number() }).nullable(),
  /**
   * The queue charted: the bottleneck's at the end of the range, or without one the queue that
   * holds the most ready messages then.
   */
  queue: z.object({ stageId: z.string(), label: z.string(), basis: z.enum(['bottleneck', 'most-loaded']) }).nullable(),
  /** End-to-end latency (worst in each bucket), ms. */
  latency: z.array(SeriesLine),
  /** The queue's ready messages (most in each bucket) and its publish and deliver rates (mean), per second. */
  depth: z.array(SeriesLine),
  /** Each worker stage's running and desired counts (the bucket's last), and the queue's consumers. */
  workers: z.array(SeriesLine),
  markers: z.array(TrendMarker),
  /** More moments than `markers` holds happened in the range (the newest are shown). */
  markersTruncated: z.boolean(),
});
export type TrendsView = z.infer<typeof TrendsView>;
