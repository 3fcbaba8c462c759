import type { Snapshot } from './snapshot';

/**
 * The end-to-end quantile is over the SLO (an unknown latency is not a breach). Apart from the
 * snapshot's schema so that the banner can use it without bringing zod into the first load.
 */
export function isSloBreached(s: Pick<Snapshot, 'endToEnd'>): boolean {
  return s.endToEnd.pMs !== null && s.endToEnd.pMs > s.endToEnd.sloMs;
}
