import type { Db } from './db';

/**
 * What ends a session before its cookie expires, shared by every replica on the database:
 * revoked session ids (a sign-out) and cut-offs (every session of a user, or of everyone, issued
 * before a moment). A cut-off row records who made it and why: it is that action's audit trail.
 * Times are the callers' clocks in ms, so that a session's issue time (the issuing replica's
 * clock) and a cut-off compare on the same scale.
 */
export interface SessionCutoff {
  id: number;
  /** Null: everyone. */
  userName: string | null;
  notBefore: string;
  actor: string;
  actorRole: string;
  reason: string;
  createdAt: string;
}

interface RawCutoff {
  id: number | string;
  user_name: string | null;
  not_before: Date | string;
  actor: string;
  actor_role: string;
  reason: string;
  created_at: Date | string;
}

const iso = (v: Date | string) => new Date(v).toISOString();
const at = (ms: number) => new Date(ms).toISOString();

const toCutoff = (r: RawCutoff): SessionCutoff => ({
  id: Number(r.id),
  userName: r.user_name,
  notBefore: iso(r.not_before),
  actor: r.actor,
  actorRole: r.actor_role,
  reason: r.reason,
  createdAt: iso(r.created_at),
});

export function sessionStore(db: Db) {
  return {
    /**
     * Signs one session out until it would have expired (`expiresAtMs`); revoking it again changes
     * nothing. Rows whose sessions have expired by `nowMs` go in the same statement.
     */
    async revoke(session: { sid: string; name: string; expiresAtMs: number }, nowMs = Date.now()): Promise<void> {
      await db.query(
        `WITH pruned AS (DELETE FROM revoked_sessions WHERE expires_at < $4::timestamptz)
         INSERT INTO revoked_sessions (sid, user_name, revoked_at, expires_at)
         VALUES ($1, $2, $4::timestamptz, $3::timestamptz)
         ON CONFLICT (sid) DO NOTHING`,
        [session.sid, session.name, at(session.expiresAtMs), at(nowMs)],
      );
    },

    /** Ends every session of `userName` (null: of everyone) issued before `notBeforeMs`. */
    async cutOff(entry: {
      userName: string | null;
      notBeforeMs: number;
      actor: string;
      actorRole: string;
      reason: string;
    }): Promise<SessionCutoff> {
      const rows = await db.query<RawCutoff>(
        `INSERT INTO session_cutoffs (user_name, not_before, actor, actor_role, reason)
         VALUES ($1, $2::timestamptz, $3, $4, $5)
         RETURNING id, user_name, not_before, actor, actor_role, reason, created_at`,
        [entry.userName, at(entry.notBeforeMs), entry.actor, entry.actorRole, entry.reason],
      );
      return toCutoff(rows[0]!);
    },

    /** Whether `sid` was signed out, and the latest cut-off (ms) for `name` or for everyone. */
    async state(sid: string, name: string): Promise<{ revoked: boolean; notBeforeMs: number | null }> {
      const [row] = await db.query<{ revoked: boolean; not_before: Date | string | null }>(
        `SELECT EXISTS (SELECT 1 FROM revoked_sessions WHERE sid = $1) AS revoked,
                GREATEST(
                  (SELECT max(not_before) FROM session_cutoffs WHERE user_name = $2),
                  (SELECT max(not_before) FROM session_cutoffs WHERE user_name IS NULL)
                ) AS not_before`,
        [sid, name],
      );
      return {
        revoked: row?.revoked === true,
        notBeforeMs: row?.not_before == null ? null : new Date(row.not_before).getTime(),
      };
    },

    /** Forgets revocations of sessions that have expired by `nowMs`; how many went. */
    async prune(nowMs = Date.now()): Promise<number> {
      const rows = await db.query<{ sid: string }>(
        'DELETE FROM revoked_sessions WHERE expires_at < $1::timestamptz RETURNING sid',
        [at(nowMs)],
      );
      return rows.length;
    },

    /** The latest cut-offs, newest first. */
    async cutOffs(limit = 20): Promise<SessionCutoff[]> {
      const rows = await db.query<RawCutoff>(
        `SELECT id, user_name, not_before, actor, actor_role, reason, created_at FROM session_cutoffs
          ORDER BY created_at DESC, id DESC LIMIT $1`,
        [Math.min(500, Math.max(1, limit))],
      );
      return rows.map(toCutoff);
    },
  };
}

export type SessionStore = ReturnType<typeof sessionStore>;
