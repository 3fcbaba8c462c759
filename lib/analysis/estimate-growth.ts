/**
 * Growth of a queue in messages per second: the least-squares slope of its recent ready counts.
 * Null with fewer than two samples or no time between them.
 */
export function estimateGrowthPerSec(history: Array<{ atMs: number; ready: number }>): number | null {
  if (history.length < 2) return null;
  const n = history.length;
  const meanT = history.reduce((s, p) => s + p.atMs, 0) / n;
  const meanY = history.reduce((s, p) => s + p.ready, 0) / n;
  let num = 0;
  let den = 0;
  for (const p of history) {
    num += (p.atMs - meanT) * (p.ready - meanY);
    den += (p.atMs - meanT) ** 2;
  }
  if (den === 0) return null;
  return (num / den) * 1000;
}
