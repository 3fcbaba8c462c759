/**
 * Client-side latencies of completed requests over a sliding window of wall time, for the
 * percentiles the tests and the demo report. Exact (sorted) quantiles: a window holds at most a
 * few thousand samples.
 */
export interface Completion {
  doneAtMs: number;
  latencyMs: number;
  ok: boolean;
}

export interface WindowStats {
  windowSec: number;
  count: number;
  failed: number;
  p50Ms: number | null;
  p90Ms: number | null;
  p99Ms: number | null;
}

export class LatencyWindow {
  private samples: Completion[] = [];

  constructor(private readonly retainMs: number) {}

  record(sample: Completion): void {
    this.samples.push(sample);
    this.prune(sample.doneAtMs);
  }

  stats(nowMs: number, windowSec: number): WindowStats {
    this.prune(nowMs);
    const from = nowMs - windowSec * 1000;
    const inWindow = this.samples.filter((s) => s.doneAtMs >= from);
    const latencies = inWindow
      .filter((s) => s.ok)
      .map((s) => s.latencyMs)
      .sort((a, b) => a - b);
    return {
      windowSec,
      count: inWindow.length,
      failed: inWindow.filter((s) => !s.ok).length,
      p50Ms: quantile(latencies, 0.5),
      p90Ms: quantile(latencies, 0.9),
      p99Ms: quantile(latencies, 0.99),
    };
  }

  private prune(nowMs: number): void {
    const cutoff = nowMs - this.retainMs;
    let drop = 0;
    while (drop < this.samples.length && this.samples[drop]!.doneAtMs < cutoff) drop++;
    if (drop > 0) this.samples = this.samples.slice(drop);
  }
}

/** Nearest-rank quantile of sorted values; null when there are none. */
export function quantile(sorted: number[], q: number): number | null {
  if (sorted.length === 0) return null;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[rank]!;
}
