import { chmodSync, existsSync, lstatSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { stackLayout, type StackLayout } from './paths';
import { postgresDir, postgresProcess, postgresUrl, startPostgres, stopPostgres } from './postgres';
import { isAlive, readPid, serviceProcesses } from './processes';

/**
 * A checkout in a private folder (under /root, or any 0700 folder) that root runs the stack from:
 * PostgreSQL runs as `postgres`, who cannot reach the state folder, so its data must live where
 * that user can. Its own server on its own port block (23000 + offsets), so the shared test stack
 * on 22xxx stays up.
 */
const privateDir = mkdtempSync(path.join(tmpdir(), 'warroom-private-'));
chmodSync(privateDir, 0o700);
const layout = stackLayout('test', {
  stateDir: path.join(privateDir, 'checkout', '.warroom', 'test'),
  portBase: 23000,
});
// A checkout that starts out reachable (0755) and is made private later; its server on port 23433.
const laterPrivateDir = mkdtempSync(path.join(tmpdir(), 'warroom-later-private-'));
chmodSync(laterPrivateDir, 0o755);
const laterLayout = stackLayout('test', { stateDir: path.join(laterPrivateDir, '.warroom', 'test'), portBase: 23001 });
const notRoot =
  'not root: PostgreSQL then runs as this user, who can reach its own checkout, so there is nothing to move';

async function currentDatabase(layout: StackLayout): Promise<string | undefined> {
  const client = new pg.Client({ connectionString: postgresUrl(layout) });
  await client.connect();
  try {
    return (await client.query<{ db: string }>('select current_database() as db')).rows[0]?.db;
  } finally {
    await client.end();
  }
}

afterAll(async () => {
  for (const [l, dir] of [
    [layout, privateDir],
    [laterLayout, laterPrivateDir],
  ] as const) {
    await stopPostgres(l);
    const outside = postgresDir(l);
    if (!outside.startsWith(dir)) rmSync(outside, { recursive: true, force: true });
    rmSync(dir, { recursive: true, force: true });
  }
});

describe('PostgreSQL started by root from a private checkout', () => {
  it('keeps its data where the postgres user can reach it, and starts, serves and restarts from there', async (ctx) => {
    ctx.skip(process.getuid?.() !== 0, notRoot);
    await startPostgres(layout);
    expect(await currentDatabase(layout)).toBe('warroom');

    const dir = postgresDir(layout);
    expect(dir.startsWith(privateDir)).toBe(false);
    expect(lstatSync(path.join(layout.stateDir, 'postgres')).isSymbolicLink()).toBe(true);
    const postgresUid = statSync(path.join(dir, 'data')).uid;
    expect(postgresUid).not.toBe(0);
    expect(statSync(dir).uid).toBe(postgresUid);
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    expect(existsSync(path.join(dir, 'pwfile'))).toBe(false);

    // Stopped means gone; a second start finds the same data through the link (same password).
    // Its workers each lead a group of their own (setsid): they are found as the postmaster's children.
    const pids = serviceProcesses(readPid(postgresProcess(layout))!);
    expect(pids.length).toBeGreaterThan(1);
    await stopPostgres(layout);
    expect(pids.filter(isAlive)).toEqual([]);
    await startPostgres(layout);
    expect(postgresDir(layout)).toBe(dir);
    expect(await currentDatabase(layout)).toBe('warroom');
  });

  it('moves the data out of a checkout made private after it was created, keeping it', async (ctx) => {
    ctx.skip(process.getuid?.() !== 0, notRoot);
    await startPostgres(laterLayout);
    expect(postgresDir(laterLayout)).toBe(path.join(laterLayout.stateDir, 'postgres'));
    const client = new pg.Client({ connectionString: postgresUrl(laterLayout) });
    await client.connect();
    try {
      await client.query('create table kept (v text)');
      await client.query('insert into kept values ($1)', ['before the move']);
    } finally {
      await client.end();
    }
    await stopPostgres(laterLayout);

    chmodSync(laterPrivateDir, 0o700);
    await startPostgres(laterLayout);
    expect(postgresDir(laterLayout).startsWith(laterPrivateDir)).toBe(false);
    const again = new pg.Client({ connectionString: postgresUrl(laterLayout) });
    await again.connect();
    try {
      expect((await again.query<{ v: string }>('select v from kept')).rows).toEqual([{ v: 'before the move' }]);
    } finally {
      await again.end();
    }
  });
});
