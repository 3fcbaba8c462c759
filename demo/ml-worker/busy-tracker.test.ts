import { describe, expect, it } from 'vitest';
import { BusyTracker, simulatedGpuUtilPct } from './busy-tracker';

describe('BusyTracker', () => {
  it('measures the busy share of the window, counting an inference still running', () => {
    const t = new BusyTracker(10_000);
    t.start(1000);
    t.stop(3000);
    t.start(8000);
    expect(t.busyFraction(10_000)).toBeCloseTo(0.4);
  });

  it('clips intervals that began before the window', () => {
    const t = new BusyTracker(10_000);
    t.start(0);
    t.stop(15_000);
    expect(t.busyFraction(20_000)).toBeCloseTo(0.5);
  });

  it('is idle with no work and ignores a stop without a start', () => {
    const t = new BusyTracker(10_000);
    t.stop(5000);
    expect(t.busyFraction(10_000)).toBe(0);
  });
});

describe('simulatedGpuUtilPct', () => {
  it.each([
    [0, 0],
    [0.5, 11],
    [1, 22],
  ])('a worker busy %d of the time shows %d%% GPU', (busy, pct) => {
    expect(simulatedGpuUtilPct(busy)).toBe(pct);
  });
});
