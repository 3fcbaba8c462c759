import { describe, expect, it } from 'vitest';
import type { QueueStats } from '../sources/rabbitmq/types';
import { UnmonitoredSweep } from './unmonitored-sweep';

const q = (name: string, ready = 0): QueueStats => ({
  vhost: '/',
  name,
  ready,
  unacked: 0,
  consumers: 0,
  state: 'running',
  publishRate: null,
  deliverRate: null,
  ackRate: null,
  redeliverRate: null,
  consumerCapacity: null,
  headAgeMs: null,
  prefetch: null,
});

describe('UnmonitoredSweep', () => {
  it('walks the pages, leaves configured queues out and forgets deleted ones', () => {
    const sweep = new UnmonitoredSweep((_v, name) => name === 'api.replies');
    sweep.addSweepPage([q('a'), q('api.replies')], 1, 2, 3);
    expect(sweep.nextPage).toBe(2);
    sweep.addSweepPage([q('b')], 2, 2, 3);
    expect(sweep.nextPage).toBe(1);
    expect(
      sweep
        .list()
        .map((x) => x.name)
        .sort(),
    ).toEqual(['a', 'b']);
    // "a" is gone from the broker: after two more full sweeps without it, it is dropped.
    for (let i = 0; i < 3; i++) sweep.addSweepPage([q('b')], 1, 1, 1);
    expect(sweep.list().map((x) => x.name)).toEqual(['b']);
    expect(sweep.total).toBe(1);
  });

  it('updates the deepest queues every cycle between sweeps', () => {
    const sweep = new UnmonitoredSweep(() => false);
    sweep.addSweepPage([q('deep', 1)], 1, 5, 500);
    sweep.addDeepest([q('deep', 900)]);
    expect(sweep.list()[0]).toMatchObject({ name: 'deep', ready: 900 });
  });
});
