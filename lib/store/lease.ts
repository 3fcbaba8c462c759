import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { replicaChannel } from './live';

/**
 * Who leads among the replicas sharing one PostgreSQL, and the channel they talk on. One
 * dedicated connection per process holds a session-level advisory lock while this process leads
 * (PostgreSQL frees it the moment that connection ends: a killed process loses it at once, a
 * frozen one after `idle_session_timeout`, as its heartbeat stops) and LISTENs for what the
 * leader and the other replicas announce.
 *
 * PGlite is one process by construction: `soloLease` always leads and hears nothing.
 */
/**
 * `leader`: holds the lock; `follower`: connected, another process holds it; `alone`: the
 * database cannot be reached, so nobody can say who leads (every process serves its own polls).
 */
export type Role = 'leader' | 'follower' | 'alone';

export interface Lease {
  /** This process's name on the channel (its own announcements are not delivered back). */
  readonly id: string;
  readonly role: Role;
  /**
   * While this process leads on a shared database: the term it took on becoming the leader, which
   * the history's writes check (`leader_terms`). Null otherwise, and always with one process.
   */
  readonly fence: Fence | null;
  /** Told on every change of role; called at once with the current one. */
  onRole(listener: (role: Role) => void): () => void;
  /** Every message another process announced on the channel. */
  onMessage(listener: (message: ReplicaMessage) => void): () => void;
  /** Announces to every other replica; dropped (false) while the database is unreachable. */
  announce(message: ReplicaMessage): Promise<boolean>;
  close(): Promise<void>;
}

/** A leader's term: writes under it are refused once another process has taken a later one. */
export interface Fence {
  name: string;
  term: number;
}

export type ReplicaMessage =
  { type: 'snapshot'; pipeline: string; at: string; seq: number } | { type: 'change'; change: unknown };

type Envelope = ReplicaMessage & { from: string };

class Listeners<T> {
  private readonly set = new Set<(value: T) => void>();
  add(listener: (value: T) => void): () => void {
    this.set.add(listener);
    return () => this.set.delete(listener);
  }
  emit(value: T): void {
    for (const l of this.set) {
      try {
        l(value);
      } catch (err) {
        console.error(`lease: a listener failed: ${(err as Error).message}`);
      }
    }
  }
}

export function soloLease(): Lease {
  return {
    id: randomUUID(),
    role: 'leader',
    fence: null,
    onRole(listener) {
      listener('leader');
      return () => undefined;
    },
    onMessage: () => () => undefined,
    announce: async () => false,
    close: async () => undefined,
  };
}

export interface PgLeaseOptions {
  url: string;
  /** What is led: replicas of the same pipeline elect one leader. */
  name: string;
  /** How often a follower asks for the lock and the leader proves it is alive. */
  everyMs?: number;
  /** How long PostgreSQL waits on a silent session before ending it (and freeing the lock). */
  idleTimeoutMs?: number;
}

export function pgLease(options: PgLeaseOptions): Lease {
  const everyMs = options.everyMs ?? 1000;
  const idleTimeoutMs = options.idleTimeoutMs ?? Math.max(5000, 4 * everyMs);
  const id = randomUUID();
  const roles = new Listeners<Role>();
  const messages = new Listeners<ReplicaMessage>();
  let client: pg.Client | null = null;
  let role: Role = 'alone';
  let term: number | null = null;
  /** The advisory lock the leader holds, one per pipeline. */
  const lockKey = `warroom:leader:${options.name}`;
  /** The role before the connection was lost: a leader cut off asks again first when it is back. */
  let before: Role = 'follower';
  let closed = false;
  let timer: NodeJS.Timeout | null = null;
  let lastProblem: string | null = null;

  const setRole = (value: Role) => {
    if (role === value) return;
    if (value === 'alone') before = role;
    if (value !== 'leader') term = null;
    role = value;
    console.log(
      `replicas: this process is ${value === 'alone' ? 'alone (no database)' : `the ${value}`} (${options.name})`,
    );
    roles.emit(value);
  };

  const drop = (c: pg.Client) => {
    if (client !== c) return;
    client = null;
    c.end().catch(() => undefined);
    // The lock, if held, went with the connection.
    setRole('alone');
  };

  const connect = async (): Promise<pg.Client> => {
    const c = new pg.Client({
      connectionString: options.url,
      connectionTimeoutMillis: 5000,
      query_timeout: 5000,
      keepAlive: true,
      application_name: 'warroom-lease',
    });
    c.on('error', () => drop(c));
    c.on('end', () => drop(c));
    c.on('notification', (n) => {
      if (n.channel !== replicaChannel || !n.payload) return;
      try {
        const envelope = JSON.parse(n.payload) as Envelope;
        if (envelope.from !== id) messages.emit(envelope);
      } catch {
        /* not ours */
      }
    });
    try {
      await c.connect();
      await c.query(`SET idle_session_timeout = ${Math.round(idleTimeoutMs)}`);
      await c.query(`LISTEN ${replicaChannel}`);
    } catch (err) {
      c.end().catch(() => undefined);
      throw err;
    }
    return c;
  };

  /**
   * The next term, taken before anyone is told of the lead: the recorder reads where the history
   * stopped only after it, so nothing the last leader writes can land in between. On a database
   * whose migrations have not run yet (a first start) the lock is given back and asked for again.
   */
  const takeTerm = async (c: pg.Client): Promise<boolean> => {
    try {
      const taken = await c.query<{ term: string }>(
        `INSERT INTO leader_terms (name, term) VALUES ($1, 1)
           ON CONFLICT (name) DO UPDATE SET term = leader_terms.term + 1 RETURNING term`,
        [options.name],
      );
      term = Number(taken.rows[0]!.term);
      return true;
    } catch (err) {
      if ((err as { code?: string }).code !== '42P01') throw err;
      await c.query('SELECT pg_advisory_unlock(hashtextextended($1, 0))', [lockKey]);
      return false;
    }
  };

  const tick = async () => {
    try {
      let fresh = false;
      if (!client) {
        client = await connect();
        fresh = true;
      }
      if (role === 'leader') await client.query('SELECT 1');
      else if (fresh && before !== 'leader') {
        // Back after an outage: the leader from before asks first; the others ask next time.
        setRole('follower');
      } else {
        const rows = (
          await client.query<{ ok: boolean }>('SELECT pg_try_advisory_lock(hashtextextended($1, 0)) AS ok', [lockKey])
        ).rows;
        if (rows[0]?.ok && (await takeTerm(client))) setRole('leader');
        else setRole('follower');
      }
      if (lastProblem) console.log('replicas: the database answers again');
      lastProblem = null;
    } catch (err) {
      const problem = (err as Error).message;
      if (problem !== lastProblem) console.error(`replicas: cannot reach the database for the lease (${problem})`);
      lastProblem = problem;
      if (client) drop(client);
    } finally {
      if (!closed) timer = setTimeout(() => void tick(), everyMs);
      timer?.unref();
    }
  };
  void tick();

  return {
    id,
    get role() {
      return role;
    },
    get fence() {
      return role === 'leader' && term !== null ? { name: options.name, term } : null;
    },
    onRole(listener) {
      listener(role);
      return roles.add(listener);
    },
    onMessage: (listener) => messages.add(listener),
    async announce(message) {
      const c = client;
      if (!c) return false;
      const payload = JSON.stringify({ ...message, from: id });
      try {
        await c.query('SELECT pg_notify($1, $2)', [replicaChannel, payload]);
        return true;
      } catch {
        return false;
      }
    },
    async close() {
      closed = true;
      if (timer) clearTimeout(timer);
      const c = client;
      client = null;
      setRole('alone');
      await c?.end().catch(() => undefined);
    },
  };
}
