import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { roundTo } from './round';

describe('roundTo', () => {
  it.each([
    [0.225, 1, 0.2],
    [0.25, 1, 0.3],
    [-1.26, 1, -1.3],
    [1.23456, 3, 1.235],
    [7, 2, 7],
    [-1.797693134862316e307, 1, -1.797693134862316e307],
    [Number.MAX_VALUE, 3, Number.MAX_VALUE],
  ])('%d to %d places is %d', (value, decimals, out) => expect(roundTo(value, decimals)).toBe(out));

  it('keeps Infinity and NaN as they are', () => {
    expect(roundTo(Infinity, 1)).toBe(Infinity);
    expect(roundTo(NaN, 1)).toBeNaN();
  });

  it('any finite double stays finite and within half a step of itself', () => {
    fc.assert(
      fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), fc.integer({ min: 0, max: 3 }), (v, d) => {
        const r = roundTo(v, d);
        expect(Number.isFinite(r)).toBe(true);
        expect(Math.abs(r - v)).toBeLessThanOrEqual(0.5 / 10 ** d + Math.abs(v) * Number.EPSILON);
      }),
      { numRuns: 2000 },
    );
  });
});
