import { afterAll, describe, expect, it } from 'vitest';
import { testDbs } from '../../scripts/testing/test-db';
import { migrate, type Db } from './db';
import { auditLog } from './audit-log';
import { migrations } from './migrations';

/** The same store tests on PGlite (embedded) and on the stack's real PostgreSQL. */
const dbs = testDbs();
afterAll(() => dbs.dropAll());
const open = async (kind: 'pglite' | 'postgres'): Promise<Db> => (await dbs.open(kind)).db;

describe.each(['pglite', 'postgres'] as const)('audit log on %s', (kind) => {
  it('records a pending row, completes it, and refuses a second row with the same key', async () => {
    const db = await open(kind);
    expect(db.kind).toBe(kind);
    const log = auditLog(db);
    const entry = {
      actor: 'olivia',
      actorRole: 'operator',
      action: 'scale',
      job: 'api',
      group: 'reply-consumer',
      to: 30,
      reason: 'starving',
      cooldownOverride: false,
      idempotencyKey: 'key-0001',
    };
    const row = await log.begin(entry);
    expect(row).toMatchObject({ outcome: 'pending', from: null, to: 30, actor: 'olivia' });
    expect(await log.begin(entry)).toBeNull();
    const done = await log.complete(row!.id, { outcome: 'succeeded', from: 3, evalId: 'eval-1' });
    expect(done).toMatchObject({ outcome: 'succeeded', from: 3, evalId: 'eval-1' });
    expect(done.completedAt).not.toBeNull();
    expect(await log.lastSucceeded('api', 'reply-consumer')).toMatchObject({ id: row!.id });
    expect(await log.lastSucceeded('api', 'other')).toBeNull();
    const failed = await log.begin({ ...entry, actor: 'ada', idempotencyKey: 'key-0002' });
    await log.complete(failed!.id, { outcome: 'failed', error: 'Nomad: timed out after 3 s' });
    expect((await log.list()).map((r) => r.id)).toEqual([failed!.id, row!.id]);
    expect(await log.list({ actor: 'ada' })).toHaveLength(1);
    expect(await log.list({ outcome: 'failed' })).toMatchObject([{ error: 'Nomad: timed out after 3 s' }]);
  });

  it('runs each migration once, however often the store is opened', async () => {
    const db = await open(kind);
    expect(await migrate(db as Db & { exec(sql: string): Promise<void> })).toEqual([]);
    const versions = await db.query<{ version: number }>('SELECT version FROM schema_migrations ORDER BY version');
    expect(versions.map((v) => v.version)).toEqual(migrations.map((m) => m.version));
  });
});
