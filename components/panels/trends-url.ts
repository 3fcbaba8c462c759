import { minTrendSpanMs, TrendRange, trendRangeMs } from '@/lib/contracts/trends';

/**
 * The trends panel's range lives in the page's address, so that a shared link shows the same one:
 * `?range=15m|1h|6h|24h` (ending now, refreshed) or `?from=&to=` (fixed). Without either, the
 * last 15 minutes, or on a replayed moment (`?at=`) the 15 minutes up to it. Pure: the panel and
 * its tests share it.
 */
export interface TrendsSelection {
  /** The query string of GET /api/trends. */
  apiQuery: string;
  /** What the picker shows as chosen (a replayed moment's default is its 15 minutes). */
  range: TrendRange | 'custom';
  /** A range that ends now, so worth refreshing. */
  live: boolean;
}

export function selectionOf(params: URLSearchParams, at: string | null): TrendsSelection {
  const from = params.get('from');
  const to = params.get('to');
  if (from !== null || to !== null) {
    const q = new URLSearchParams();
    if (from !== null) q.set('from', from);
    if (to !== null) q.set('to', to);
    return { apiQuery: q.toString(), range: 'custom', live: false };
  }
  const range = params.get('range');
  if (range !== null) {
    const known = TrendRange.safeParse(range);
    // An unknown range goes to the server as it is: its 400 says what is wrong, on the panel.
    return {
      apiQuery: new URLSearchParams({ range }).toString(),
      range: known.success ? known.data : 'custom',
      live: true,
    };
  }
  const atMs = at === null ? NaN : Date.parse(at);
  if (Number.isFinite(atMs)) {
    const q = new URLSearchParams({
      from: new Date(atMs - trendRangeMs['15m']).toISOString(),
      to: new Date(atMs).toISOString(),
    });
    return { apiQuery: q.toString(), range: '15m', live: false };
  }
  return { apiQuery: 'range=15m', range: '15m', live: true };
}

const copy = (params: URLSearchParams) => new URLSearchParams(params.toString());

/** A preset range, ending now. */
export function withRange(params: URLSearchParams, range: TrendRange): URLSearchParams {
  const next = copy(params);
  next.delete('from');
  next.delete('to');
  next.set('range', range);
  return next;
}

/**
 * A fixed range (a custom one, or a brushed zoom), widened to a minute around its middle when it
 * is shorter, and kept out of the future.
 */
export function withWindow(params: URLSearchParams, fromMs: number, toMs: number, nowMs = Date.now()): URLSearchParams {
  let lo = Math.min(fromMs, toMs);
  let hi = Math.max(fromMs, toMs);
  if (hi - lo < minTrendSpanMs) {
    const mid = (lo + hi) / 2;
    lo = mid - minTrendSpanMs / 2;
    hi = mid + minTrendSpanMs / 2;
  }
  if (hi > nowMs) {
    lo -= hi - nowMs;
    hi = nowMs;
  }
  const next = copy(params);
  next.delete('range');
  next.set('from', new Date(Math.floor(lo)).toISOString());
  next.set('to', new Date(Math.ceil(hi)).toISOString());
  return next;
}

/** A moment replayed in place, with the charts kept on the range they showed (now fixed). */
export function withMoment(
  params: URLSearchParams,
  atMs: number,
  window: { from: string; to: string },
): URLSearchParams {
  const next = copy(params);
  next.delete('range');
  next.set('from', window.from);
  next.set('to', window.to);
  next.set('at', new Date(Math.round(atMs)).toISOString());
  return next;
}
