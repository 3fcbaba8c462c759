import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { queueVerdict, type QueueVerdictInput } from './queue-verdict';

const base: QueueVerdictInput = {
  ready: 0,
  unacked: 0,
  consumers: 3,
  growthPerSec: 0,
  arrivalPerSec: 10,
  drainPerSec: 10,
  measuredHeadAgeMs: null,
  estimatedWaitMs: 0,
  consumerCapacity: null,
  prefetch: null,
  redeliverPerSec: null,
};

describe('a queue verdict in numbers', () => {
  it('says saturated consumers from what they hold, from their capacity, or from a growing backlog', () => {
    const held = queueVerdict({
      ...base,
      ready: 400,
      unacked: 30,
      consumers: 3,
      prefetch: 10,
      growthPerSec: 4,
      estimatedWaitMs: Number.POSITIVE_INFINITY,
    });
    expect(held).toMatchObject({ saturation: 'saturated', unackedLimit: 30, drainSeconds: null });
    expect(held.summary).toBe('not draining: grows by 4/s · consumers saturated (30/30 unacked)');
    const capacity = queueVerdict({ ...base, ready: 80, consumerCapacity: 0.2, growthPerSec: 0 });
    expect(capacity.summary).toContain('consumers saturated (capacity 20%)');
    const growing = queueVerdict({ ...base, ready: 80, growthPerSec: 2, estimatedWaitMs: 8000 });
    expect(growing.summary).toBe('not draining: grows by 2/s · oldest ~8 s (estimated) · 3 consumers cannot keep up');
  });

  it('says when a backlog will be gone, and an age measured from AMQP timestamps without "estimated"', () => {
    const v = queueVerdict({
      ...base,
      ready: 300,
      growthPerSec: -10,
      measuredHeadAgeMs: 12_000,
      estimatedWaitMs: 30_000,
    });
    expect(v).toMatchObject({ drainSeconds: 30, headAgeMs: 12_000, headAgeEstimated: false, saturation: 'keeping-up' });
    expect(v.summary).toBe('drains in 30 s · oldest 12 s');
  });

  it('tells idle consumers from none, and a redelivery loop', () => {
    expect(queueVerdict(base)).toMatchObject({
      saturation: 'idle',
      drainSeconds: 0,
      summary: 'empty · consumers idle, waiting for work',
    });
    expect(
      queueVerdict({
        ...base,
        ready: 5,
        consumers: 0,
        drainPerSec: null,
        growthPerSec: null,
        arrivalPerSec: 1,
        estimatedWaitMs: Number.POSITIVE_INFINITY,
      }),
    ).toMatchObject({
      saturation: 'no-consumers',
      summary: 'not draining · no consumer',
    });
    const loop = queueVerdict({ ...base, ready: 2, redeliverPerSec: 4, drainPerSec: 10 });
    expect(loop.redeliveredShare).toBe(0.4);
    expect(loop.summary).toContain('40% redelivered: a message may be failing in a loop');
  });

  it('holds together for any numbers: no negative time, idle only when empty, an estimate only said of a backlog', () => {
    const rate = fc.option(fc.double({ min: 0, max: 1000, noNaN: true }));
    fc.assert(
      fc.property(
        fc.record({
          ready: fc.integer({ min: 0, max: 1_000_000 }),
          unacked: fc.integer({ min: 0, max: 10_000 }),
          consumers: fc.integer({ min: 0, max: 500 }),
          growthPerSec: fc.option(fc.double({ min: -1000, max: 1000, noNaN: true })),
          arrivalPerSec: rate,
          drainPerSec: rate,
          measuredHeadAgeMs: fc.option(fc.integer({ min: 0, max: 3_600_000 })),
          estimatedWaitMs: fc.oneof(
            fc.double({ min: 0, max: 1e9, noNaN: true }),
            fc.constant(Number.POSITIVE_INFINITY),
          ),
          consumerCapacity: fc.option(fc.double({ min: 0, max: 1, noNaN: true })),
          prefetch: fc.option(fc.integer({ min: 1, max: 1000 })),
          redeliverPerSec: rate,
        }),
        (input) => {
          const v = queueVerdict(input);
          if (v.drainSeconds !== null) expect(v.drainSeconds).toBeGreaterThanOrEqual(0);
          if (v.saturation === 'idle') expect(input.ready).toBe(0);
          if (v.headAgeEstimated) expect(input.ready).toBeGreaterThan(0);
          if (input.ready === 0) expect(v.headAgeMs).toBeNull();
          if (v.redeliveredShare !== null) expect(v.redeliveredShare).toBeLessThanOrEqual(1);
          expect(v.summary.length).toBeGreaterThan(0);
        },
      ),
      { numRuns: 1000 },
    );
  });
});
