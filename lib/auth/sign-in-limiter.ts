/**
 * Limits on failed sign-ins, so that guessing passwords is slow whoever and wherever the guesser
 * is. Failures are counted in a sliding window on three keys: the name from one address (the
 * person who mistypes), the address (one machine guessing many names) and the name (many machines
 * guessing one name). An address that has signed in as a name is not held back by that name's
 * limit, so a flood against a name does not lock its owner out. Per process: each replica counts
 * its own (so N replicas allow N times the attempts; still far below what guessing needs).
 */
export interface LimiterOptions {
  windowMs: number;
  perNameAndAddress: number;
  perAddress: number;
  perName: number;
}

export const defaultLimits: LimiterOptions = {
  windowMs: 15 * 60_000,
  perNameAndAddress: 5,
  perAddress: 30,
  perName: 100,
};

/** Keys kept at most, oldest dropped first: a flood of addresses cannot exhaust memory. */
const maxKeys = 50_000;

export class SignInLimiter {
  private readonly failures = new Map<string, number[]>();
  private readonly trusted = new Map<string, number>();

  constructor(
    private readonly options: LimiterOptions = defaultLimits,
    private readonly now: () => number = Date.now,
  ) {}

  /** Null when an attempt may go ahead, or the seconds to wait before the next one. */
  retryAfterSec(name: string, address: string): number | null {
    const nowMs = this.now();
    const checks: Array<[string, number]> = [
      [`na:${name}\n${address}`, this.options.perNameAndAddress],
      [`a:${address}`, this.options.perAddress],
    ];
    if (!this.isTrusted(name, address, nowMs)) checks.push([`n:${name}`, this.options.perName]);
    let waitMs = 0;
    for (const [key, limit] of checks) {
      const times = this.recent(key, nowMs);
      if (times.length >= limit)
        waitMs = Math.max(waitMs, times[times.length - limit]! + this.options.windowMs - nowMs);
    }
    return waitMs > 0 ? Math.ceil(waitMs / 1000) : null;
  }

  failed(name: string, address: string): void {
    const nowMs = this.now();
    for (const key of [`na:${name}\n${address}`, `a:${address}`, `n:${name}`]) {
      const times = this.recent(key, nowMs);
      times.push(nowMs);
      this.failures.delete(key);
      this.failures.set(key, times);
    }
    this.trim(this.failures);
  }

  succeeded(name: string, address: string): void {
    this.failures.delete(`na:${name}\n${address}`);
    this.trusted.delete(`${name}\n${address}`);
    this.trusted.set(`${name}\n${address}`, this.now());
    this.trim(this.trusted);
  }

  /** Whether this address signed in as this name within a day (its sign-ins go first). */
  vouchedFor(name: string, address: string): boolean {
    return this.isTrusted(name, address, this.now());
  }

  private isTrusted(name: string, address: string, nowMs: number): boolean {
    const at = this.trusted.get(`${name}\n${address}`);
    // A sign-in vouches for its address for a day.
    return at !== undefined && nowMs - at < 24 * 3600_000;
  }

  private recent(key: string, nowMs: number): number[] {
    const times = (this.failures.get(key) ?? []).filter((t) => nowMs - t < this.options.windowMs);
    if (times.length === 0) this.failures.delete(key);
    return times;
  }

  private trim(map: Map<string, unknown>): void {
    while (map.size > maxKeys) map.delete(map.keys().next().value!);
  }
}

/**
 * The caller's address as the dashboard can know it: the last hop of X-Forwarded-For (what a load
 * balancer in front appends; Next.js fills it with the socket's address when nobody did).
 */
export function clientAddress(headers: Headers): string {
  const hops = (headers.get('x-forwarded-for') ?? '')
    .split(',')
    .map((h) => h.trim())
    .filter(Boolean);
  return hops.at(-1) ?? 'unknown';
}
