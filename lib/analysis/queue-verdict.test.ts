import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { QueueVerdict } from '../contracts/snapshot';
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

  it.each([
    [
      'sheds load at its limit, with the overflow mode and the rate',
      {
        ready: 1000,
        arrivalPerSec: 22,
        drainPerSec: 10,
        limit: { maxLength: 1000, maxLengthBytes: null, readyBytes: null, overflow: 'reject-publish' },
      },
      'sheds load: 12/s rejected at max-length 1000',
      {
        limit: {
          maxLength: 1000,
          maxLengthBytes: null,
          overflow: 'reject-publish',
          fullPct: 100,
          shedding: true,
          shedPerSec: 12,
        },
      },
    ],
    [
      'dead-letters what drop-head drops when the queue has a DLX',
      {
        ready: 50,
        consumers: 0,
        arrivalPerSec: 3,
        drainPerSec: null,
        limit: { maxLength: 50, maxLengthBytes: null, readyBytes: null, overflow: 'drop-head' },
        deadLetter: { exchange: 'dlx.x', routingKey: null },
      },
      'sheds load: 3/s dead-lettered from the head at max-length 50 · dead-letters 3/s to dlx.x',
      { deadLetter: { exchange: 'dlx.x', routingKey: null, perSec: 3 } },
    ],
    [
      'how full a limited queue is, before it sheds',
      { ready: 0, limit: { maxLength: null, maxLengthBytes: 1000, readyBytes: 820, overflow: 'reject-publish-dlx' } },
      '82% of max-length-bytes 1000',
      { limit: { fullPct: 82, shedding: false, shedPerSec: null } },
    ],
    [
      'full, with no rate to say how much it sheds',
      {
        ready: 10,
        arrivalPerSec: null,
        limit: { maxLength: 10, maxLengthBytes: null, readyBytes: null, overflow: 'reject-publish' },
      },
      'full at max-length 10 (reject-publish)',
      { limit: { shedding: true, shedPerSec: null } },
    ],
    [
      'consumers rejecting into a dead-letter exchange',
      { rejectedByConsumersPerSec: 3, deadLetter: { exchange: 'dlx.x', routingKey: null } },
      'dead-letters 3/s to dlx.x',
      { rejectedByConsumersPerSec: 3, deadLetter: { exchange: 'dlx.x', routingKey: null, perSec: 3 } },
    ],
    [
      'the default exchange named by its routing key; rejections lost without a DLX',
      { rejectedByConsumersPerSec: 2, deadLetter: { exchange: '', routingKey: 'jobs.dead' } },
      'dead-letters 2/s to queue jobs.dead',
      {},
    ],
    [
      'rejections lost without a DLX',
      { rejectedByConsumersPerSec: 2 },
      'consumers reject 2/s, lost (no dead-letter exchange)',
      {},
    ],
    [
      'no finding from sampling noise',
      { rejectedByConsumersPerSec: 0.3, deadLetter: { exchange: 'dlx.x', routingKey: null } },
      '',
      { deadLetter: { perSec: 0 } },
    ],
    [
      'publishers blocked by a memory alarm',
      { publishers: { flow: 0, blocked: 3, blocking: 1, memoryAlarm: true, diskAlarm: false } },
      'publishers blocked: memory alarm (4 connections)',
      { publishers: { flow: 0, blocked: 3, blocking: 1, alarm: 'memory' } },
    ],
    [
      'publishers under flow control',
      { publishers: { flow: 2, blocked: 0, blocking: 0, memoryAlarm: false, diskAlarm: false } },
      '2 publishers under flow control',
      { publishers: { alarm: null } },
    ],
  ] as const)('says when a queue %s', (_name, input, summaryPart, fields) => {
    const v = queueVerdict({ ...base, ...(input as Partial<QueueVerdictInput>) });
    if (summaryPart) expect(v.summary).toContain(summaryPart);
    else expect(v.summary).toBe('empty · consumers idle, waiting for work');
    expect(v).toMatchObject(fields);
  });

  it('leaves the backpressure fields out when nothing applies, so old snapshots and new ones read alike', () => {
    const v = queueVerdict(base);
    expect(Object.keys(v)).not.toEqual(expect.arrayContaining(['limit']));
    expect(v).not.toHaveProperty('deadLetter');
    expect(v).not.toHaveProperty('publishers');
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
          limit: fc.option(
            fc.record({
              maxLength: fc.option(fc.integer({ min: 0, max: 1_000_000 })),
              maxLengthBytes: fc.option(fc.integer({ min: 0, max: 1e9 })),
              readyBytes: fc.option(fc.integer({ min: 0, max: 1e9 })),
              overflow: fc.constantFrom('drop-head', 'reject-publish', 'reject-publish-dlx', 'some-future-mode'),
            }),
          ),
          deadLetter: fc.option(fc.record({ exchange: fc.string(), routingKey: fc.option(fc.string()) })),
          rejectedByConsumersPerSec: rate,
          publishers: fc.option(
            fc.record({
              flow: fc.nat(1000),
              blocked: fc.nat(1000),
              blocking: fc.nat(1000),
              memoryAlarm: fc.boolean(),
              diskAlarm: fc.boolean(),
            }),
          ),
        }),
        (input) => {
          const v = queueVerdict(input);
          // Every number in the verdict is a number (no NaN, no Infinity) or null.
          const numbers = JSON.stringify(v, (_k, x: unknown) => {
            if (typeof x === 'number' && !Number.isFinite(x)) throw new Error(`not finite: ${x}`);
            return x;
          });
          expect(numbers).not.toContain('NaN');
          expect(v.summary).not.toMatch(/NaN|Infinity|undefined/);
          expect(QueueVerdict.safeParse(v).success).toBe(true);
          if (v.limit) {
            expect(v.limit.fullPct).toBeGreaterThanOrEqual(0);
            if (v.limit.shedPerSec !== null) expect(v.limit.shedding && v.limit.shedPerSec >= 0).toBe(true);
          }
          if (v.deadLetter?.perSec != null) expect(v.deadLetter.perSec).toBeGreaterThanOrEqual(0);
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
