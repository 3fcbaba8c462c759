import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { resolveTrendWindow } from '@/lib/contracts/trends';
import { selectionOf, withMoment, withRange, withWindow } from './trends-url';

const now = Date.parse('2026-11-22T10:00:00.000Z');
const p = (q: string) => new URLSearchParams(q);

describe('the trends range in the address', () => {
  it.each([
    ['', null, 'range=15m', '15m', true],
    ['range=6h&stage=reply-queue', null, 'range=6h', '6h', true],
    ['range=2h', null, 'range=2h', 'custom', true],
    [
      'from=2026-11-22T09:00:00.000Z&to=2026-11-22T09:30:00.000Z&range=1h',
      null,
      'from=2026-11-22T09%3A00%3A00.000Z&to=2026-11-22T09%3A30%3A00.000Z',
      'custom',
      false,
    ],
    [
      'at=2026-11-22T09:42:00.000Z',
      '2026-11-22T09:42:00.000Z',
      'from=2026-11-22T09%3A27%3A00.000Z&to=2026-11-22T09%3A42%3A00.000Z',
      '15m',
      false,
    ],
  ])('?%s (replaying %s) asks for %s, shows %s, live %s', (q, at, apiQuery, range, live) => {
    expect(selectionOf(p(q), at)).toEqual({ apiQuery, range, live });
  });

  it('a preset drops a fixed range and keeps the rest', () => {
    expect(withRange(p('from=a&to=b&stage=x&at=y'), '1h').toString()).toBe('stage=x&at=y&range=1h');
  });

  it('a moment keeps the charts on the range they showed, fixed', () => {
    const next = withMoment(p('range=1h&stage=x'), Date.parse('2026-11-22T09:42:00.123Z'), {
      from: '2026-11-22T09:00:00.000Z',
      to: '2026-11-22T10:00:00.000Z',
    });
    expect(Object.fromEntries(next)).toEqual({
      stage: 'x',
      from: '2026-11-22T09:00:00.000Z',
      to: '2026-11-22T10:00:00.000Z',
      at: '2026-11-22T09:42:00.123Z',
    });
  });

  it('any brushed stretch of the last day becomes a range the server accepts', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: now - 86_400_000 + 60_000, max: now }),
        fc.integer({ min: now - 86_400_000 + 60_000, max: now }),
        (a, b) => {
          const next = withWindow(p('range=24h'), a, b, now);
          expect(next.get('range')).toBeNull();
          const r = resolveTrendWindow({ from: next.get('from'), to: next.get('to') }, now);
          expect(r.ok).toBe(true);
          if (r.ok) expect(r.window.toMs).toBeLessThanOrEqual(now);
        },
      ),
    );
  });
});
