import { mkdirSync } from 'node:fs';
import pg from 'pg';
import { migrations } from './migrations';

/**
 * The database: PostgreSQL through `pg` when a URL is given, PGlite (embedded PostgreSQL, a
 * folder under the state directory) otherwise. One small interface over both, and the same
 * migrations, run at open.
 */
export interface Db {
  kind: 'postgres' | 'pglite';
  query<T>(sql: string, params?: unknown[]): Promise<T[]>;
  /**
   * Runs `fn` while holding the lock named `key`, for every process on this database (a
   * PostgreSQL advisory lock; PGlite is one process, so an in-process queue). Waits at most
   * `waitMs` for it, then rejects with LockTimeout.
   */
  serialise<T>(key: string, fn: () => Promise<T>, waitMs?: number): Promise<T>;
  /** Runs `fn`'s queries in one transaction: committed if it resolves, rolled back if it throws. */
  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/** What a transaction offers: queries on its one connection. */
export type Queryable = Pick<Db, 'kind' | 'query'>;

/** A JSONB value as read: both drivers parse it, but a value stored as a JSON string arrives as text. */
export function fromJsonb<T>(value: T | string): T {
  return typeof value === 'string' ? (JSON.parse(value) as T) : value;
}

export class LockTimeout extends Error {
  constructor(key: string) {
    super(`another request holds "${key}"; try again`);
  }
}

/** One in-process queue per key: callers run one after another. */
function localLocks() {
  const tails = new Map<string, Promise<unknown>>();
  return async <T>(key: string, fn: () => Promise<T>, waitMs = 10_000): Promise<T> => {
    const before = tails.get(key) ?? Promise.resolve();
    let release!: () => void;
    const mine = new Promise<void>((r) => (release = r));
    const tail = before.then(() => mine);
    tails.set(key, tail);
    try {
      let timer: NodeJS.Timeout | undefined;
      const waited = await Promise.race([
        before.then(() => true),
        new Promise<false>((r) => (timer = setTimeout(() => r(false), waitMs))),
      ]);
      clearTimeout(timer);
      if (!waited) throw new LockTimeout(key);
      return await fn();
    } finally {
      release();
      if (tails.get(key) === tail) tails.delete(key);
    }
  };
}

type Migratable = Db & { exec(sql: string): Promise<void> };

async function openPostgres(url: string): Promise<Migratable> {
  // A server that stops answering fails a query after 15 s instead of holding it for ever.
  const pool = new pg.Pool({ connectionString: url, max: 5, connectionTimeoutMillis: 5000, query_timeout: 15_000 });
  pool.on('error', () => undefined);
  const local = localLocks();
  const db: Migratable = {
    kind: 'postgres',
    async query<T>(sql: string, params: unknown[] = []) {
      return (await pool.query(sql, params)).rows as T[];
    },
    async exec(sql: string) {
      await pool.query(sql);
    },
    // In-process first (one pooled connection per key at most), then across processes.
    serialise: (key, fn, waitMs = 10_000) =>
      local(
        key,
        async () => {
          const client = await pool.connect();
          let broken = false;
          try {
            try {
              await client.query(`SET lock_timeout = ${Math.max(1, Math.round(waitMs))}`);
              await client.query('SELECT pg_advisory_lock(hashtextextended($1, 0))', [key]);
            } catch (err) {
              if ((err as { code?: string }).code === '55P03') throw new LockTimeout(key);
              broken = true;
              throw err;
            }
            try {
              return await fn();
            } finally {
              await client.query('SELECT pg_advisory_unlock(hashtextextended($1, 0))', [key]).catch(() => {
                broken = true;
              });
              await client.query('SET lock_timeout = 0').catch(() => undefined);
            }
          } finally {
            // A connection whose unlock failed is thrown away: closing it frees the lock.
            client.release(broken);
          }
        },
        waitMs,
      ),
    async transaction(fn) {
      const client = await pool.connect();
      // A connection left in an unknown state is thrown away rather than handed to the next query.
      let broken = true;
      try {
        await client.query('BEGIN');
        try {
          const result = await fn({
            kind: 'postgres',
            query: async (sql, params = []) => (await client.query(sql, params)).rows,
          });
          await client.query('COMMIT');
          broken = false;
          return result;
        } catch (err) {
          await client.query('ROLLBACK').then(
            () => (broken = false),
            () => undefined,
          );
          throw err;
        }
      } finally {
        client.release(broken);
      }
    },
    close: () => pool.end(),
  };
  return db;
}

async function openPglite(dataDir: string): Promise<Migratable> {
  mkdirSync(dataDir, { recursive: true });
  const { PGlite } = await import('@electric-sql/pglite');
  const db = new PGlite(dataDir);
  await db.waitReady;
  return {
    kind: 'pglite',
    async query<T>(sql: string, params: unknown[] = []) {
      return (await db.query<T>(sql, params)).rows;
    },
    async exec(sql: string) {
      await db.exec(sql);
    },
    serialise: localLocks(),
    transaction: (fn) =>
      db.transaction((tx) =>
        fn({ kind: 'pglite', query: async (sql, params = []) => (await tx.query(sql, params)).rows as never }),
      ),
    close: () => db.close(),
  };
}

/**
 * Applies the migrations not yet applied. Several processes starting at once on one database take
 * turns (an advisory lock): the first applies them, the others find them done.
 */
export function migrate(db: Migratable): Promise<number[]> {
  return db.serialise('warroom:migrations', () => migrateUnlocked(db), 120_000);
}

async function migrateUnlocked(db: Migratable): Promise<number[]> {
  await db.exec(
    'CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())',
  );
  const done = new Set(
    (await db.query<{ version: number }>('SELECT version FROM schema_migrations')).map((r) => r.version),
  );
  const applied: number[] = [];
  for (const m of migrations) {
    if (done.has(m.version)) continue;
    await db.exec(
      `BEGIN;\n${m.sql}\nINSERT INTO schema_migrations (version, name) VALUES (${m.version}, '${m.name.replace(/'/g, "''")}');\nCOMMIT;`,
    );
    applied.push(m.version);
  }
  return applied;
}

export async function openDb(options: { databaseUrl?: string; dataDir: string }): Promise<Db> {
  const db = options.databaseUrl ? await openPostgres(options.databaseUrl) : await openPglite(options.dataDir);
  await migrate(db);
  return db;
}
