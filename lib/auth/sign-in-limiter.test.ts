import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { clientAddress, SignInLimiter } from './sign-in-limiter';

const limits = { windowMs: 60_000, perNameAndAddress: 5, perAddress: 30, perName: 100 };

function limiter() {
  let nowMs = 1_000_000;
  const l = new SignInLimiter(limits, () => nowMs);
  return { l, advance: (ms: number) => (nowMs += ms) };
}

describe('sign-in limiter', () => {
  it('lets five wrong passwords through, holds the sixth, and lets go when the window has passed', () => {
    const { l, advance } = limiter();
    for (let i = 0; i < 5; i++) {
      expect(l.retryAfterSec('olivia', '10.0.0.1')).toBeNull();
      l.failed('olivia', '10.0.0.1');
      advance(1000);
    }
    expect(l.retryAfterSec('olivia', '10.0.0.1')).toBe(55);
    // Another address is not held back by this one's mistakes.
    expect(l.retryAfterSec('olivia', '10.0.0.2')).toBeNull();
    advance(55_000);
    expect(l.retryAfterSec('olivia', '10.0.0.1')).toBeNull();
  });

  it('holds back one address guessing many names', () => {
    const { l } = limiter();
    for (let i = 0; i < 30; i++) l.failed(`user${i}`, '10.0.0.9');
    expect(l.retryAfterSec('someone-new', '10.0.0.9')).toBeGreaterThan(0);
    expect(l.retryAfterSec('someone-new', '10.0.0.8')).toBeNull();
  });

  it('holds back a name guessed from many addresses, except where its owner has signed in', () => {
    const { l } = limiter();
    l.succeeded('olivia', '192.168.1.5');
    for (let i = 0; i < 100; i++) l.failed('olivia', `10.1.${i >> 8}.${i & 255}`);
    expect(l.retryAfterSec('olivia', '10.9.9.9')).toBeGreaterThan(0);
    expect(l.retryAfterSec('olivia', '192.168.1.5')).toBeNull();
  });

  it('never allows more than the limit of failures per name and address in any window', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 20_000 }), { minLength: 1, maxLength: 80 }), (gaps) => {
        const { l, advance } = limiter();
        const accepted: number[] = [];
        let t = 0;
        for (const gap of gaps) {
          advance(gap);
          t += gap;
          if (l.retryAfterSec('ada', '1.2.3.4') === null) {
            accepted.push(t);
            l.failed('ada', '1.2.3.4');
          }
        }
        for (let i = 5; i < accepted.length; i++)
          expect(accepted[i]! - accepted[i - 5]!).toBeGreaterThanOrEqual(60_000);
      }),
      { numRuns: 300 },
    );
  });

  it('reads the last hop of X-Forwarded-For', () => {
    expect(clientAddress(new Headers({ 'x-forwarded-for': '1.1.1.1, 10.0.0.7' }))).toBe('10.0.0.7');
    expect(clientAddress(new Headers({ 'x-forwarded-for': '::ffff:127.0.0.1' }))).toBe('::ffff:127.0.0.1');
    expect(clientAddress(new Headers())).toBe('unknown');
  });
});

describe('hash slots', () => {
  it('runs at most N at once, queues up to the limit and refuses beyond it', async () => {
    const { HashSlots } = await import('./hash-slots');
    const slots = new HashSlots(2, 3);
    let running = 0;
    let most = 0;
    const releases: Array<() => void> = [];
    const work = () =>
      new Promise<string>((resolve) => {
        running++;
        most = Math.max(most, running);
        releases.push(() => {
          running--;
          resolve('done');
        });
      });
    const results = Array.from({ length: 6 }, () => slots.run(work));
    expect(await results[5]).toBeNull();
    // Release one at a time; each release lets the next waiter start.
    for (let released = 0; released < 5; released++) {
      while (releases.length === 0) await new Promise((r) => setTimeout(r, 1));
      expect(running).toBeLessThanOrEqual(2);
      releases.shift()!();
    }
    expect(await Promise.all(results.slice(0, 5))).toEqual(['done', 'done', 'done', 'done', 'done']);
    expect(most).toBe(2);
  });

  it('lets a vouched-for request wait ahead of a full queue, and never turns it away', async () => {
    const { HashSlots } = await import('./hash-slots');
    const slots = new HashSlots(1, 2);
    const order: string[] = [];
    const gates: Array<() => void> = [];
    const work = (name: string) => () =>
      new Promise<string>((resolve) => {
        order.push(name);
        gates.push(() => resolve(name));
      });
    const running = slots.run(work('flood-0'));
    const queued = [slots.run(work('flood-1')), slots.run(work('flood-2'))];
    expect(await slots.run(work('flood-3'))).toBeNull();
    const owner = slots.run(work('owner'), { first: true });
    for (let i = 0; i < 4; i++) {
      while (gates.length === 0) await new Promise((r) => setTimeout(r, 1));
      gates.shift()!();
    }
    expect(await Promise.all([running, owner, ...queued])).toEqual(['flood-0', 'owner', 'flood-1', 'flood-2']);
    expect(order).toEqual(['flood-0', 'owner', 'flood-1', 'flood-2']);
  });
});
