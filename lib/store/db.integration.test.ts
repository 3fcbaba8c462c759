import { afterAll, describe, expect, it } from 'vitest';
import { testDbs } from '../../scripts/testing/test-db';
import { LockTimeout, openDb, type Db } from './db';
import { migrations } from './migrations';

/**
 * What several processes on one database rely on, on the real PostgreSQL (several pools stand in
 * for several processes) and on PGlite: migrations applied once when everyone starts at once, and
 * `serialise` running one holder of a key at a time while other keys go ahead.
 */
const dbs = testDbs();
afterAll(() => dbs.dropAll());

async function overlaps(dbsToUse: Db[], keys: string[], holdMs: number) {
  const running = new Map<string, number>();
  let worst = 0;
  let started = 0;
  await Promise.all(
    dbsToUse.flatMap((db) =>
      keys.map((key) =>
        db.serialise(key, async () => {
          started += 1;
          running.set(key, (running.get(key) ?? 0) + 1);
          worst = Math.max(worst, running.get(key)!);
          await new Promise((r) => setTimeout(r, holdMs));
          running.set(key, running.get(key)! - 1);
        }),
      ),
    ),
  );
  return { worst, started };
}

describe('several processes on one PostgreSQL', () => {
  it('start at once: every migration is applied exactly once', async () => {
    // An empty database (the test stores come migrated).
    const url = await dbs.emptyPostgres();
    const opened = await Promise.all([1, 2, 3, 4].map(() => openDb({ databaseUrl: url, dataDir: '' })));
    const rows = await opened[0]!.query<{ version: number }>('SELECT version FROM schema_migrations ORDER BY version');
    expect(rows.map((r) => r.version)).toEqual(migrations.map((m) => m.version));
    await Promise.all(opened.map((o) => o.close()));
  });

  it('serialise: one holder per key across pools, other keys meanwhile; a long wait is refused', async () => {
    const { url } = await dbs.open('postgres');
    const pools = await Promise.all([1, 2, 3].map(() => openDb({ databaseUrl: url!, dataDir: '' })));
    const t0 = Date.now();
    const { worst, started } = await overlaps(pools, ['scale:api/reply', 'scale:ml/worker'], 100);
    const tookMs = Date.now() - t0;
    expect(started).toBe(6);
    expect(worst).toBe(1);
    // Two keys side by side: about three holds each, not six in a row.
    expect(tookMs).toBeLessThan(6 * 100);

    let release!: () => void;
    const held = pools[0]!.serialise('scale:api/reply', () => new Promise<void>((r) => (release = r)));
    await new Promise((r) => setTimeout(r, 50));
    await expect(pools[1]!.serialise('scale:api/reply', async () => 'ran', 200)).rejects.toBeInstanceOf(LockTimeout);
    release();
    await held;
    expect(await pools[1]!.serialise('scale:api/reply', async () => 'ran', 2000)).toBe('ran');
    // A holder that throws still lets go.
    await expect(
      pools[2]!.serialise('scale:api/reply', async () => {
        throw new Error('nomad said no');
      }),
    ).rejects.toThrow('nomad said no');
    expect(await pools[0]!.serialise('scale:api/reply', async () => 'after', 1000)).toBe('after');
    await Promise.all(pools.map((p) => p.close()));
  });
});

describe('one process on PGlite', () => {
  it('serialise: one holder per key, other keys meanwhile', async () => {
    const { db } = await dbs.open('pglite');
    const { worst, started } = await overlaps([db, db, db], ['a', 'b'], 50);
    expect(started).toBe(6);
    expect(worst).toBe(1);
    let release!: () => void;
    const held = db.serialise('a', () => new Promise<void>((r) => (release = r)));
    await expect(db.serialise('a', async () => 'ran', 100)).rejects.toBeInstanceOf(LockTimeout);
    release();
    await held;
    expect(await db.serialise('a', async () => 'ran', 1000)).toBe('ran');
  });
});
