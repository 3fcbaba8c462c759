import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { postgresUrl, stackLayout } from '../stack';
import { openDb, type Db } from '../../lib/store/db';

/**
 * Fresh stores for the store tests, on either engine: PGlite in a temporary folder, or a new
 * database on the test stack's real PostgreSQL. `dropAll` closes them and drops the databases.
 */
const layout = stackLayout('test');
const adminUrl = () => postgresUrl(layout);

export function testDbs() {
  const opened: Db[] = [];
  const databases: string[] = [];
  return {
    /** A new empty store; `reopen` opens the same one again (for restart tests). */
    async open(kind: 'pglite' | 'postgres'): Promise<{ db: Db; url: string | null; reopen: () => Promise<Db> }> {
      let options: { databaseUrl?: string; dataDir: string };
      if (kind === 'postgres') {
        options = { databaseUrl: await this.emptyPostgres(), dataDir: '' };
      } else {
        options = { dataDir: path.join(mkdtempSync(path.join(tmpdir(), 'warroom-pglite-')), 'db') };
      }
      const db = await openDb(options);
      opened.push(db);
      return {
        db,
        url: options.databaseUrl ?? null,
        reopen: async () => {
          const again = await openDb(options);
          opened.push(again);
          return again;
        },
      };
    },
    /** A new database on the test stack's PostgreSQL, not migrated (dropped by dropAll); its URL. */
    async emptyPostgres(): Promise<string> {
      const dbName = `warroom_test_${process.pid}_${Date.now() % 100_000}_${databases.length}`;
      databases.push(dbName);
      const client = new pg.Client({ connectionString: adminUrl() });
      await client.connect();
      await client.query(`CREATE DATABASE ${dbName}`);
      await client.end();
      const url = new URL(adminUrl());
      url.pathname = `/${dbName}`;
      return url.toString();
    },
    async dropAll(): Promise<void> {
      for (const db of opened) await db.close().catch(() => undefined);
      if (databases.length === 0) return;
      const client = new pg.Client({ connectionString: adminUrl() });
      await client.connect();
      for (const name of databases) await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await client.end();
    },
  };
}
