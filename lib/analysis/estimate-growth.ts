/**
 * Least-squares slopes of recent samples: a queue's growth in messages per second from its ready
 * counts, and the arrival trend (messages per second, per second) from its publish rates. Null
 * with too few samples or no time between them.
 */
function slopePerSec<T extends { atMs: number }>(points: T[], value: (p: T) => number): number | null {
  if (points.length < 2) return null;
  const n = points.length;
  const meanT = points.reduce((s, p) => s + p.atMs, 0) / n;
  const meanY = points.reduce((s, p) => s + value(p), 0) / n;
  let num = 0;
  let den = 0;
  for (const p of points) {
    num += (p.atMs - meanT) * (value(p) - meanY);
    den += (p.atMs - meanT) ** 2;
  }
  if (den === 0) return null;
  const slope = (num / den) * 1000;
  return Number.isFinite(slope) ? slope : null;
}

export function estimateGrowthPerSec(history: Array<{ atMs: number; ready: number }>): number | null {
  return slopePerSec(history, (p) => p.ready);
}

/** A trend needs a few samples over at least half a minute; a single jump is not one. */
export const minTrendSpanMs = 30_000;

export function estimateTrendPerSec2(arrivals: Array<{ atMs: number; perSec: number }>): number | null {
  if (arrivals.length < 3) return null;
  if (arrivals[arrivals.length - 1]!.atMs - arrivals[0]!.atMs < minTrendSpanMs) return null;
  return slopePerSec(arrivals, (p) => p.perSec);
}
