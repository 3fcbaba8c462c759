import { describe, expect, it } from 'vitest';
import { sampleArrivalGapMs, sampleLognormalMs } from './timing';

/** A small deterministic generator (mulberry32), so the statistics below are repeatable. */
function seeded(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

describe('service-time samples', () => {
  it('lognormal samples have the requested mean and are positive', () => {
    const random = seeded(1);
    const xs = Array.from({ length: 20_000 }, () => sampleLognormalMs(250, 0.2, random));
    expect(Math.min(...xs)).toBeGreaterThan(0);
    expect(mean(xs)).toBeGreaterThan(245);
    expect(mean(xs)).toBeLessThan(255);
  });

  it('Poisson arrival gaps average 1/rate', () => {
    const random = seeded(2);
    const xs = Array.from({ length: 20_000 }, () => sampleArrivalGapMs(16, random));
    expect(mean(xs)).toBeGreaterThan(1000 / 16 - 2);
    expect(mean(xs)).toBeLessThan(1000 / 16 + 2);
  });
});
