import { afterAll, describe, expect, it } from 'vitest';
import { testDbs } from '../../scripts/testing/test-db';
import { RevocationCache } from '../auth/revocations';
import { createSession } from '../auth/session';
import type { Db } from './db';
import { migrations } from './migrations';
import { sessionStore } from './sessions';

/** Session revocations on PGlite (embedded) and on the stack's real PostgreSQL. */
const dbs = testDbs();
afterAll(() => dbs.dropAll());
const open = async (kind: 'pglite' | 'postgres'): Promise<Db> => (await dbs.open(kind)).db;

const hourMs = 3600_000;
const t0 = Date.parse('2026-03-01T10:00:00.000Z');
const session = (name: string, iat = t0) => createSession(name, 'operator', 'k'.repeat(32), iat).session;

describe.each(['pglite', 'postgres'] as const)('session revocations on %s', (kind) => {
  it('is migration 6, after every earlier one (and before any later)', async () => {
    const db = await open(kind);
    const versions = await db.query<{ version: number }>('SELECT version FROM schema_migrations ORDER BY version');
    expect(versions.map((v) => v.version)).toEqual(migrations.map((m) => m.version));
    expect(migrations.find((m) => m.name === 'session revocations')).toMatchObject({ version: 6 });
  });

  it('revokes one session (once, however often asked) and no other', async () => {
    const store = sessionStore(await open(kind));
    const a = session('olivia');
    const b = session('olivia');
    expect(await store.state(a.sid, 'olivia')).toEqual({ revoked: false, notBeforeMs: null });
    await store.revoke({ sid: a.sid, name: 'olivia', expiresAtMs: a.exp * 1000 }, t0);
    await store.revoke({ sid: a.sid, name: 'olivia', expiresAtMs: a.exp * 1000 }, t0);
    expect(await store.state(a.sid, 'olivia')).toEqual({ revoked: true, notBeforeMs: null });
    expect(await store.state(b.sid, 'olivia')).toEqual({ revoked: false, notBeforeMs: null });
  });

  it('keeps the latest cut-off for a user and for everyone, to the millisecond, with who and why', async () => {
    const store = sessionStore(await open(kind));
    const entry = { actor: 'ada', actorRole: 'admin', reason: 'laptop stolen' };
    await store.cutOff({ ...entry, userName: 'olivia', notBeforeMs: t0 + 5 });
    await store.cutOff({ ...entry, userName: 'olivia', notBeforeMs: t0 + 3 });
    expect((await store.state('x', 'olivia')).notBeforeMs).toBe(t0 + 5);
    expect((await store.state('x', 'victor')).notBeforeMs).toBeNull();
    const everyone = await store.cutOff({ ...entry, userName: null, notBeforeMs: t0 + 7, reason: 'secret leaked' });
    expect(everyone).toMatchObject({
      userName: null,
      notBefore: new Date(t0 + 7).toISOString(),
      actor: 'ada',
      actorRole: 'admin',
      reason: 'secret leaked',
    });
    expect((await store.state('x', 'victor')).notBeforeMs).toBe(t0 + 7);
    expect((await store.state('x', 'olivia')).notBeforeMs).toBe(t0 + 7);
    expect((await store.cutOffs()).map((c) => c.reason)).toEqual(['secret leaked', 'laptop stolen', 'laptop stolen']);
  });

  it('prunes revocations once their sessions would have expired, and on every new revocation', async () => {
    const store = sessionStore(await open(kind));
    const old = session('olivia', t0 - 13 * hourMs);
    const recent = session('olivia', t0 - hourMs);
    await store.revoke({ sid: old.sid, name: 'olivia', expiresAtMs: old.exp * 1000 }, t0 - 13 * hourMs);
    await store.revoke({ sid: recent.sid, name: 'olivia', expiresAtMs: recent.exp * 1000 }, t0 - hourMs);
    expect(await store.prune(t0 - 2 * hourMs)).toBe(0);
    // The next revocation, 12 h after the old session began, takes the expired row away.
    const next = session('victor');
    await store.revoke({ sid: next.sid, name: 'victor', expiresAtMs: next.exp * 1000 }, t0);
    expect((await store.state(old.sid, 'olivia')).revoked).toBe(false);
    expect((await store.state(recent.sid, 'olivia')).revoked).toBe(true);
    expect(await store.prune(t0 + 13 * hourMs)).toBe(2);
    expect((await store.state(recent.sid, 'olivia')).revoked).toBe(false);
  });

  it('through the cache, a revocation stored by one process is refused by another within 1 s', async () => {
    const handle = await dbs.open(kind);
    // PGlite is one process: one handle stands in for both. PostgreSQL: a second pool, as a second replica.
    const other = kind === 'postgres' ? await handle.reopen() : handle.db;
    const mine = sessionStore(handle.db);
    const theirs = new RevocationCache(async (sid, name) => sessionStore(other).state(sid, name));
    const s = session('olivia', Date.now());
    expect(await theirs.check(s)).toBe('valid');
    const revokedAt = Date.now();
    await mine.revoke({ sid: s.sid, name: 'olivia', expiresAtMs: s.exp * 1000 });
    while ((await theirs.check(s)) === 'valid') await new Promise((r) => setTimeout(r, 20));
    expect(Date.now() - revokedAt).toBeLessThanOrEqual(1000 + 250);
    expect(await theirs.check(s)).toBe('revoked');
    // A cut-off for everyone, likewise, and a session issued after it holds.
    const before = session('victor', Date.now() - 1);
    expect(await theirs.check(before)).toBe('valid');
    await mine.cutOff({ userName: null, notBeforeMs: Date.now(), actor: 'ada', actorRole: 'admin', reason: 'test' });
    await new Promise((r) => setTimeout(r, 1001));
    expect(await theirs.check(before)).toBe('revoked');
    expect(await theirs.check(session('victor', Date.now()))).toBe('valid');
  });
});
