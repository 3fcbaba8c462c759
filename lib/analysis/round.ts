/**
 * `value` to `decimals` places (at most 3). An integer, Infinity or NaN comes back as it is: a
 * double too large to carry a fraction is always an integer, and scaling it up first could
 * overflow to Infinity (1.8e307 times 10).
 */
export function roundTo(value: number, decimals: number): number {
  if (!Number.isFinite(value) || Number.isInteger(value)) return value;
  const f = 10 ** decimals;
  return Math.round(value * f) / f;
}
