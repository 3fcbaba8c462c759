import { describe, expect, it } from 'vitest';
import { LatencyWindow, quantile } from './latency-window';

describe('quantile (nearest rank)', () => {
  it.each([
    [[], 0.9, null],
    [[5], 0.9, 5],
    [[1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 0.5, 5],
    [[1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 0.9, 9],
    [[1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 0.99, 10],
    [[1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 0, 1],
  ])('quantile(%j, %d) = %s', (values, q, expected) => {
    expect(quantile(values, q)).toBe(expected);
  });
});

describe('LatencyWindow', () => {
  it('counts only completions inside the window and leaves failures out of the percentiles', () => {
    const w = new LatencyWindow(60_000);
    const now = 100_000;
    w.record({ doneAtMs: now - 30_000, latencyMs: 99_999, ok: true });
    for (let i = 1; i <= 10; i++) w.record({ doneAtMs: now - 1000, latencyMs: i * 100, ok: true });
    w.record({ doneAtMs: now - 500, latencyMs: 50_000, ok: false });
    const stats = w.stats(now, 10);
    expect(stats).toEqual({ windowSec: 10, count: 11, failed: 1, p50Ms: 500, p90Ms: 900, p99Ms: 1000 });
  });

  it('forgets samples older than its retention', () => {
    const w = new LatencyWindow(5_000);
    w.record({ doneAtMs: 0, latencyMs: 100, ok: true });
    w.record({ doneAtMs: 10_000, latencyMs: 200, ok: true });
    expect(w.stats(10_000, 300).count).toBe(1);
  });

  it('reports null percentiles when nothing completed', () => {
    expect(new LatencyWindow(1000).stats(0, 10)).toMatchObject({ count: 0, p90Ms: null });
  });
});
