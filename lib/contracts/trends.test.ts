import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { maxTrendSpanMs, minTrendSpanMs, resolveTrendWindow, trendRangeMs, TrendsQuery } from './trends';

const now = Date.parse('2026-11-22T10:00:00.000Z');
const iso = (ms: number) => new Date(ms).toISOString();

describe('resolveTrendWindow', () => {
  it.each(Object.entries(trendRangeMs))('range=%s ends now and spans %d ms', (range, spanMs) => {
    expect(resolveTrendWindow({ range }, now)).toEqual({
      ok: true,
      window: { fromMs: now - spanMs, toMs: now, range },
    });
  });

  it('without range, from or to: the last 15 minutes', () => {
    expect(resolveTrendWindow({}, now)).toEqual({
      ok: true,
      window: { fromMs: now - 900_000, toMs: now, range: '15m' },
    });
    expect(resolveTrendWindow({ range: null, from: null, to: null }, now).ok).toBe(true);
  });

  it('a custom range is kept to the millisecond', () => {
    const from = '2026-11-22T08:00:00.123Z';
    const to = '2026-11-22T09:30:00+01:00';
    expect(resolveTrendWindow({ from, to }, now)).toEqual({
      ok: true,
      window: { fromMs: Date.parse(from), toMs: Date.parse('2026-11-22T08:30:00Z'), range: 'custom' },
    });
  });

  it.each([
    [{ range: '2h' }, 'range', 'not one of 15m, 1h, 6h, 24h'],
    [{ range: '' }, 'range', 'not one of'],
    [{ range: '1h', from: iso(now - 60_000) }, 'range', 'not both'],
    [{ from: iso(now - 60_000) }, 'to', 'to is missing'],
    [{ to: iso(now) }, 'from', 'from is missing'],
    [{ from: 'yesterday', to: iso(now) }, 'from', 'not an ISO 8601 time'],
    [{ from: iso(now - 60_000), to: '2026-11-22T10:00:00' }, 'to', 'not an ISO 8601 time'],
    [{ from: iso(now - 60_000), to: iso(now + 3_600_000) }, 'to', 'in the future'],
    [{ from: '0000-01-01T00:00:00Z', to: iso(now) }, 'from', 'before 1970'],
    [{ from: iso(now), to: iso(now - 120_000) }, 'to', 'later than from'],
    [{ from: iso(now - 60_000), to: iso(now - 60_000) }, 'to', 'later than from'],
    [{ from: iso(now - 59_999), to: iso(now) }, 'to', 'at least a minute'],
    [{ from: iso(now - maxTrendSpanMs - 1), to: iso(now) }, 'to', 'at most 24 h'],
  ])('%j is refused on %s: %s', (raw, field, message) => {
    const r = resolveTrendWindow(raw, now);
    expect(r.ok).toBe(false);
    expect(!r.ok && r.field).toBe(field);
    expect(!r.ok && r.message).toContain(message);
  });

  it('any window it accepts lies in the past, spans a minute to a day and names its range; anything else is refused, never thrown', () => {
    const text = fc.oneof(
      fc.string({ maxLength: 30 }),
      fc.integer({ min: -100 * maxTrendSpanMs, max: 2 * maxTrendSpanMs }).map((d) => iso(now - d)),
      fc.constantFrom('15m', '1h', '6h', '24h', '1d', 'custom'),
    );
    fc.assert(
      fc.property(fc.record({ range: text, from: text, to: text }, { requiredKeys: [] }), (raw) => {
        const r = resolveTrendWindow(raw, now);
        if (!r.ok) {
          expect(['range', 'from', 'to']).toContain(r.field);
          expect(r.message.length).toBeGreaterThan(0);
          return;
        }
        const { fromMs, toMs, range } = r.window;
        expect(toMs).toBeLessThanOrEqual(now + 1000);
        expect(toMs - fromMs).toBeGreaterThanOrEqual(range === 'custom' ? minTrendSpanMs : trendRangeMs['15m']);
        expect(toMs - fromMs).toBeLessThanOrEqual(maxTrendSpanMs);
        expect(range === 'custom').toBe(raw.from !== undefined);
      }),
      { numRuns: 500 },
    );
  });
});

describe('TrendsQuery (the gate parses the query string with it; an issue is its 400)', () => {
  it('gives the window', () => {
    const parsed = TrendsQuery.safeParse({ range: '6h', pipeline: 'ignored-here' });
    expect(parsed.success && parsed.data.range).toBe('6h');
    expect(parsed.success && parsed.data.toMs - parsed.data.fromMs).toBe(trendRangeMs['6h']);
  });

  it.each([
    [{ range: 'week' }, 'range'],
    [{ from: 'x', to: 'y' }, 'from'],
    [{ from: '2026-11-22T09:00:00Z' }, 'to'],
    [{ from: '2026-11-22T09:00:00Z', to: '2026-11-20T09:00:00Z' }, 'to'],
  ])('%j is an issue on %s', (raw, path) => {
    const parsed = TrendsQuery.safeParse(raw);
    expect(parsed.success).toBe(false);
    expect(!parsed.success && parsed.error.issues.map((i) => i.path.join('.'))).toEqual([path]);
  });

  it('refuses values that are not text', () => {
    expect(TrendsQuery.safeParse({ range: 5 }).success).toBe(false);
  });
});
