import { describe, expect, it } from 'vitest';
import { SourceHealth } from './source-health';

describe('SourceHealth', () => {
  const intervals = { rabbitmq: 1000, prometheus: 5000, nomad: 5000 };

  it.each([
    ['never answered', [], 0, 'stale'],
    ['answered', [['ok', 0]], 100, 'ok'],
    [
      'failed once after a success',
      [
        ['ok', 0],
        ['fail', 500],
      ],
      1000,
      'stale',
    ],
    [
      'failing for more than three intervals',
      [
        ['ok', 0],
        ['fail', 500],
      ],
      16_000,
      'down',
    ],
    ['never succeeded and failing', [['fail', 0]], 10, 'down'],
    [
      'recovered',
      [
        ['ok', 0],
        ['fail', 500],
        ['ok', 9000],
      ],
      9100,
      'ok',
    ],
  ] as const)('%s -> %s', (_name, events, atMs, status) => {
    const h = new SourceHealth(intervals);
    for (const [kind, t] of events) {
      if (kind === 'ok') h.succeeded('prometheus', t);
      else h.failed('prometheus', 'Prometheus: connection refused');
    }
    expect(h.view(atMs).prometheus.status).toBe(status);
  });

  it('keeps the last good time and the error while stale', () => {
    const h = new SourceHealth(intervals);
    h.succeeded('nomad', Date.parse('2026-11-22T09:00:00Z'));
    h.failed('nomad', 'Nomad: timed out after 2 s');
    expect(h.view(Date.parse('2026-11-22T09:00:03Z')).nomad).toEqual({
      status: 'stale',
      lastOkAt: '2026-11-22T09:00:00.000Z',
      error: 'Nomad: timed out after 2 s',
    });
  });
});
