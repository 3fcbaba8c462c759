import type { LatencySpec } from '../config/schema';

/**
 * PromQL for a latency quantile, in seconds. From a histogram: `histogram_quantile(q, sum by (le)
 * (rate(metric_bucket{filter}[window])))` (keeping `le` in `by`). From explicit queries: the one
 * for that quantile, or none.
 */
export type QuantileKey = 'p50' | 'p90' | 'p95' | 'p99';

export function quantileKey(q: number): QuantileKey {
  return q === 0.5 ? 'p50' : q === 0.95 ? 'p95' : q === 0.99 ? 'p99' : 'p90';
}

export function latencyQuery(spec: LatencySpec, quantile: number): string | null {
  if ('histogram' in spec) {
    const selector = spec.filter ? `{${spec.filter}}` : '';
    return `histogram_quantile(${quantile}, sum by (le) (rate(${spec.histogram}_bucket${selector}[${spec.window}])))`;
  }
  return spec[quantileKey(quantile)] ?? null;
}
