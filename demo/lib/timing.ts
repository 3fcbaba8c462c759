export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * A lognormal sample with the given mean: service times are positive and right-skewed, which a
 * normal distribution is not. sigma is the spread of the underlying normal.
 */
export function sampleLognormalMs(meanMs: number, sigma: number, random: () => number = Math.random): number {
  const u1 = Math.max(random(), Number.EPSILON);
  const u2 = random();
  const standardNormal = Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
  const mu = Math.log(meanMs) - (sigma * sigma) / 2;
  return Math.exp(mu + sigma * standardNormal);
}

/** Exponential inter-arrival gap for a Poisson process of `ratePerSec`. */
export function sampleArrivalGapMs(ratePerSec: number, random: () => number = Math.random): number {
  return (-Math.log(1 - random()) / ratePerSec) * 1000;
}
