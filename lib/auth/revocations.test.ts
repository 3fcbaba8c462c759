import { describe, expect, it } from 'vitest';
import type { WarroomConfig } from '../config/schema';
import { authenticateChecked } from './authenticate';
import { RevocationCache, type RevocationState } from './revocations';
import { createSession } from './session';

const t0 = 1_700_000_000_000;

/** A cache over a lookup the test controls, with a clock it moves. */
function setup(options: ConstructorParameters<typeof RevocationCache>[1] = {}) {
  let nowMs = t0;
  const db = { revoked: new Set<string>(), cutOffs: new Map<string | null, number>(), down: false, hang: false };
  const asked: string[] = [];
  const lookup = async (sid: string, name: string): Promise<RevocationState> => {
    asked.push(sid);
    if (db.hang) return new Promise(() => {});
    if (db.down) throw new Error('connection refused');
    const cuts = [db.cutOffs.get(name), db.cutOffs.get(null)].filter((v): v is number => v !== undefined);
    return { revoked: db.revoked.has(sid), notBeforeMs: cuts.length ? Math.max(...cuts) : null };
  };
  const cache = new RevocationCache(lookup, options, () => nowMs);
  const session = (name = 'olivia', iat = nowMs) => createSession(name, 'operator', 's'.repeat(32), iat).session;
  return { cache, db, asked, session, advance: (ms: number) => (nowMs += ms), now: () => nowMs };
}

describe('revocation cache', () => {
  it('says valid, then revoked within its 1 s bound once another replica revokes the session', async () => {
    const { cache, db, asked, session, advance } = setup();
    const s = session();
    expect(await cache.check(s)).toBe('valid');
    db.revoked.add(s.sid);
    advance(999);
    // Still the answer of 999 ms ago: the bound is 1 s.
    expect(await cache.check(s)).toBe('valid');
    expect(asked).toHaveLength(1);
    advance(1);
    expect(await cache.check(s)).toBe('revoked');
    // Remembered: a replayed revoked cookie costs no more queries.
    advance(60_000);
    expect(await cache.check(s)).toBe('revoked');
    expect(asked).toHaveLength(2);
  });

  it('applies a revocation made on this replica at once and tells the listeners', async () => {
    const { cache, session } = setup();
    const s = session();
    const other = session();
    expect(await cache.check(s)).toBe('valid');
    let told = 0;
    const stop = cache.onRevocation(() => told++);
    cache.noteRevoked(s);
    expect(await cache.check(s)).toBe('revoked');
    expect(await cache.check(other)).toBe('valid');
    stop();
    cache.noteRevoked(other);
    expect(told).toBe(1);
  });

  it('ends sessions issued before a cut-off, for one user or for everyone, and not those issued after', async () => {
    const { cache, db, session, advance, now } = setup();
    const olivia = session('olivia');
    const ada = session('ada');
    advance(10);
    db.cutOffs.set('olivia', now());
    advance(1000);
    expect(await cache.check(olivia)).toBe('revoked');
    expect(await cache.check(ada)).toBe('valid');
    const fresh = session('olivia');
    expect(await cache.check(fresh)).toBe('valid');
    advance(10);
    cache.noteCutOff(null, now());
    expect(await cache.check(ada)).toBe('revoked');
    expect(await cache.check(fresh)).toBe('revoked');
    expect(await cache.check(session('ada'))).toBe('valid');
  });

  it('fails closed: a store that errs or does not answer in time is unavailable, never valid', async () => {
    const { cache, db, asked, session, advance } = setup({ timeoutMs: 20 });
    const s = session();
    expect(await cache.check(s)).toBe('valid');
    db.down = true;
    advance(1000);
    expect(await cache.check(s)).toBe('unavailable');
    // Held for a second: no query piles up behind a dead store.
    const before = asked.length;
    expect(await cache.check(session())).toBe('unavailable');
    expect(asked).toHaveLength(before);
    db.down = false;
    db.hang = true;
    advance(1000);
    expect(await cache.check(s)).toBe('unavailable');
    db.hang = false;
    advance(1000);
    expect(await cache.check(s)).toBe('valid');
  });

  it('asks once for concurrent checks of one session, and refuses expired sessions without asking', async () => {
    const { cache, asked, session, advance } = setup();
    const s = session();
    expect(await Promise.all([cache.check(s), cache.check(s), cache.check(s)])).toEqual(['valid', 'valid', 'valid']);
    expect(asked).toHaveLength(1);
    advance(12 * 3600_000 + 1000);
    expect(await cache.check(s)).toBe('revoked');
    expect(asked).toHaveLength(1);
  });

  it('stays bounded: at most maxEntries sessions remembered', async () => {
    const { cache, session } = setup({ maxEntries: 3 });
    const sessions = Array.from({ length: 10 }, () => session());
    for (const s of sessions) cache.noteRevoked(s);
    // The oldest are forgotten here (the store still has them); the newest are refused without asking.
    expect(await cache.check(sessions[9]!)).toBe('revoked');
    expect(await cache.check(sessions[0]!)).toBe('valid');
  });
});

describe('authenticateChecked', () => {
  const secret = 'k'.repeat(32);
  const config = (anonymousRead: boolean) =>
    ({
      auth: { sessionSecret: secret, anonymousRead, users: [{ name: 'olivia', role: 'operator' }] },
    }) as unknown as WarroomConfig;
  const cookie = () => new Headers({ cookie: `warroom_session=${createSession('olivia', 'operator', secret).value}` });

  it('trusts a valid session, treats a revoked one as a stranger, and refuses to guess when the store is down', async () => {
    expect(await authenticateChecked(cookie(), config(false), async () => 'valid')).toMatchObject({
      name: 'olivia',
      via: 'session',
      session: { name: 'olivia' },
    });
    expect(await authenticateChecked(cookie(), config(false), async () => 'revoked')).toBeNull();
    expect(await authenticateChecked(cookie(), config(true), async () => 'revoked')).toMatchObject({
      via: 'anonymous',
    });
    expect(await authenticateChecked(cookie(), config(true), async () => 'unavailable')).toBe('unavailable');
  });

  it('asks nothing for anonymous viewers (their reads do not depend on the store)', async () => {
    let asked = 0;
    const check = async () => {
      asked++;
      return 'unavailable' as const;
    };
    expect(await authenticateChecked(new Headers(), config(true), check)).toMatchObject({ via: 'anonymous' });
    expect(await authenticateChecked(new Headers({ cookie: 'warroom_session=x.y' }), config(false), check)).toBeNull();
    expect(asked).toBe(0);
  });
});
