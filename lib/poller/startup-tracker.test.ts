import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { StartupTracker } from './startup-tracker';

describe('StartupTracker', () => {
  it('measures a scale up from the poll that shows it to the poll that shows the workers running', () => {
    const t = new StartupTracker();
    t.observe('g', 3, 3, 0);
    expect(t.startupSec('g')).toBeNull();
    t.observe('g', 9, 3, 5_000);
    t.observe('g', 9, 6, 10_000);
    expect(t.startupSec('g')).toBeNull();
    t.observe('g', 9, 9, 15_000);
    expect(t.startupSec('g')).toBe(10);
  });

  it('keeps the median of the last few, and cancels a scale up reversed before it ran', () => {
    const t = new StartupTracker();
    t.observe('g', 1, 1, 0);
    const scaleUp = (to: number, atMs: number, tookMs: number) => {
      t.observe('g', to, to - 1, atMs);
      t.observe('g', to, to, atMs + tookMs);
    };
    scaleUp(2, 1_000, 4_000);
    scaleUp(3, 10_000, 60_000);
    scaleUp(4, 100_000, 6_000);
    expect(t.startupSec('g')).toBe(6);
    t.observe('g', 10, 4, 200_000);
    t.observe('g', 2, 4, 205_000); // scaled down again before the new workers ran
    t.observe('g', 2, 2, 210_000);
    expect(t.startupSec('g')).toBe(6);
  });

  it('property: never negative or NaN, whatever counts and times the polls show', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat(100), fc.nat(100), fc.nat(10_000)), { maxLength: 60 }), (polls) => {
        const t = new StartupTracker();
        let at = 0;
        for (const [desired, running, gap] of polls) t.observe('g', desired, running, (at += gap));
        const s = t.startupSec('g');
        if (s !== null) {
          expect(Number.isFinite(s)).toBe(true);
          expect(s).toBeGreaterThanOrEqual(0);
        }
      }),
    );
  });
});
