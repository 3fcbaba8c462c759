import { describe, expect, it } from 'vitest';
import { toCountsOnlyStats } from '../sources/rabbitmq/prometheus-detailed';
import { UnmonitoredSweep } from './unmonitored-sweep';

const q = (name: string, ready = 0, consumers = 0) =>
  toCountsOnlyStats({ vhost: '/', name, ready, unacked: 0, consumers });

describe('UnmonitoredSweep.addCompleteListing', () => {
  it('takes every queue at once, leaves configured ones out, and drops at once what a listing lacks', () => {
    const sweep = new UnmonitoredSweep((_v, name) => name === 'api.replies');
    sweep.addSweepPage([q('old')], 1, 3, 30);
    sweep.addCompleteListing([q('a', 3), q('api.replies', 9), q('b', 0, 2)]);
    expect(sweep.total).toBe(3);
    expect(sweep.nextPage).toBe(1);
    expect(sweep.list()).toEqual([
      { vhost: '/', name: 'a', ready: 3, consumers: 0, publishRatePerSec: null, deliverRatePerSec: null, alert: null },
      { vhost: '/', name: 'b', ready: 0, consumers: 2, publishRatePerSec: null, deliverRatePerSec: null, alert: null },
    ]);
    sweep.addCompleteListing([q('b')]);
    expect(sweep.list().map((u) => u.name)).toEqual(['b']);
    expect(sweep.total).toBe(1);
  });
});
