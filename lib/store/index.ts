import 'server-only';
import path from 'node:path';
import { serverEnv } from '../env';
import { openDb, type Db } from './db';

/** The process-wide database, opened (and migrated) on first use, kept on globalThis. */
const key = Symbol.for('warroom.db');
type GlobalWithDb = typeof globalThis & { [key]?: Promise<Db> };

export function getDb(): Promise<Db> {
  const g = globalThis as GlobalWithDb;
  if (!g[key]) {
    const env = serverEnv();
    g[key] = openDb({ databaseUrl: env.DATABASE_URL, dataDir: path.resolve(env.WARROOM_STATE_DIR, 'pglite') }).catch(
      (err) => {
        g[key] = undefined;
        throw err;
      },
    );
  }
  return g[key];
}
