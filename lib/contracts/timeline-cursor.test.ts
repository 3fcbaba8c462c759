import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeTimelineCursor, encodeTimelineCursor, TimelineQuery, type TimelineCursor } from './timeline';

/** The timeline's page cursor: opaque, exact both ways, and never a throw whatever a client sends. */
const runs = { numRuns: 2000 };
const cursor: fc.Arbitrary<TimelineCursor> = fc.record({
  atUs: fc.oneof(fc.maxSafeNat(), fc.constantFrom(0, 1_800_000_000_000_000, Number.MAX_SAFE_INTEGER)),
  id: fc.oneof(fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER }), fc.constantFrom(1, Number.MAX_SAFE_INTEGER)),
});
const encoded = (text: string) => btoa(text).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');

describe('timeline cursor', () => {
  it('decodes what it encoded, to the microsecond and the id', () => {
    fc.assert(
      fc.property(cursor, (c) => {
        const raw = encodeTimelineCursor(c);
        expect(raw).toMatch(/^[A-Za-z0-9_-]+$/);
        expect(decodeTimelineCursor(raw)).toEqual({ ok: true, cursor: c });
      }),
      runs,
    );
  });

  it('answers any text with a value, never a throw', () => {
    const text = fc.oneof(
      fc.string({ maxLength: 80 }),
      fc.string({ unit: 'binary', maxLength: 80 }),
      fc.base64String({ maxLength: 80 }),
      fc.stringMatching(/^[A-Za-z0-9_-]{0,70}$/),
    );
    fc.assert(
      fc.property(text, (raw) => {
        const decoded = decodeTimelineCursor(raw);
        if (decoded.ok) expect(encodeTimelineCursor(decoded.cursor)).toBe(raw);
        else expect(decoded.message).toContain('not a cursor');
      }),
      runs,
    );
  });

  it('refuses a tampered cursor: any one character changed, or any cut', () => {
    fc.assert(
      fc.property(cursor, fc.nat(), fc.constantFrom(...'AZaz09-_+/=.'), (c, at, ch) => {
        const raw = encodeTimelineCursor(c);
        const i = at % raw.length;
        const changed = `${raw.slice(0, i)}${ch}${raw.slice(i + 1)}`;
        const decoded = decodeTimelineCursor(changed);
        // A changed character either breaks the cursor or names another valid one, never the same.
        if (changed !== raw && decoded.ok) expect(decoded.cursor).not.toEqual(c);
        const cut = decodeTimelineCursor(raw.slice(0, i));
        if (cut.ok) expect(cut.cursor).not.toEqual(c);
      }),
      runs,
    );
  });

  it.each([
    ['empty', ''],
    ['padding', `${encodeTimelineCursor({ atUs: 1, id: 1 })}==`],
    ['standard base64 alphabet', btoa('1779000000000000.63')],
    ['not base64', '!!!'],
    ['id zero', encoded('1779000000000000.0')],
    ['negative time', encoded('-1.5')],
    ['leading zeros', encoded('01.5')],
    ['a fraction', encoded('1.5.5')],
    ['beyond 2^53', encoded(`${Number.MAX_SAFE_INTEGER + 2}.5`)],
    ['huge', encoded(`${'9'.repeat(16)}.5`)],
    ['JSON', encoded('{"atUs":1,"id":2}')],
    ['spaces', encoded(' 1.5')],
    ['too long', 'A'.repeat(65)],
    ['stray low bits', encodeTimelineCursor({ atUs: 12, id: 5 }).replace(/.$/, (ch) => (ch === 'Q' ? 'R' : 'Q'))],
  ])('refuses %s', (_name, raw) => {
    expect(decodeTimelineCursor(raw).ok).toBe(false);
  });

  it('the query names `cursor` and `limit` when they are wrong, and defaults the limit to 100', () => {
    const bad = TimelineQuery.safeParse({ cursor: 'tampered!' });
    expect(bad.success).toBe(false);
    expect(bad.error?.issues[0]?.path).toEqual(['cursor']);
    expect(bad.error?.issues[0]?.message).toContain('not a cursor');
    for (const limit of ['0', '501', '1.5', 'ten', ''])
      expect(TimelineQuery.safeParse({ limit }).error?.issues[0]?.path).toEqual(['limit']);
    const c = { atUs: 1_779_000_000_123_456, id: 42 };
    expect(TimelineQuery.parse({ cursor: encodeTimelineCursor(c), limit: '500', extra: 'x' })).toEqual({
      cursor: c,
      limit: 500,
    });
    expect(TimelineQuery.parse({})).toEqual({ limit: 100 });
  });
});
