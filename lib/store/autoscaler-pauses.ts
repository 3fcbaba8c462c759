import type { Db } from './db';

/**
 * Autoscaler policies paused by a scale, until the leader restores them. In the database, so that
 * a restart or a new leader restores what an earlier process paused.
 */
export interface AutoscalerPause {
  id: number;
  job: string;
  group: string;
  auditId: number;
  pausedAt: string;
  restoreAt: string;
  attempts: number;
  lastError: string | null;
}

interface RawPause {
  id: number | string;
  target_job: string;
  target_group: string;
  audit_id: number | string;
  paused_at: Date | string;
  restore_at: Date | string;
  attempts: number;
  last_error: string | null;
}

const columns = 'id, target_job, target_group, audit_id, paused_at, restore_at, attempts, last_error';
const toPause = (r: RawPause): AutoscalerPause => ({
  id: Number(r.id),
  job: r.target_job,
  group: r.target_group,
  auditId: Number(r.audit_id),
  pausedAt: new Date(r.paused_at).toISOString(),
  restoreAt: new Date(r.restore_at).toISOString(),
  attempts: r.attempts,
  lastError: r.last_error,
});

export function autoscalerPauses(db: Db) {
  return {
    async record(entry: { job: string; group: string; auditId: number; restoreAt: Date }): Promise<AutoscalerPause> {
      const rows = await db.query<RawPause>(
        `INSERT INTO autoscaler_pauses (target_job, target_group, audit_id, restore_at) VALUES ($1, $2, $3, $4)
         RETURNING ${columns}`,
        [entry.job, entry.group, entry.auditId, entry.restoreAt.toISOString()],
      );
      return toPause(rows[0]!);
    },

    /** Pauses whose time is up and that are not restored yet, oldest first. */
    async due(now: Date): Promise<AutoscalerPause[]> {
      const rows = await db.query<RawPause>(
        `SELECT ${columns} FROM autoscaler_pauses WHERE restored_at IS NULL AND restore_at <= $1 ORDER BY restore_at, id`,
        [now.toISOString()],
      );
      return rows.map(toPause);
    },

    /** The group's pause still in force, if any. */
    async active(job: string, group: string): Promise<AutoscalerPause | null> {
      const rows = await db.query<RawPause>(
        `SELECT ${columns} FROM autoscaler_pauses WHERE restored_at IS NULL AND target_job = $1 AND target_group = $2
         ORDER BY restore_at DESC LIMIT 1`,
        [job, group],
      );
      return rows[0] ? toPause(rows[0]) : null;
    },

    async restored(id: number): Promise<void> {
      await db.query('UPDATE autoscaler_pauses SET restored_at = now() WHERE id = $1', [id]);
    },

    async failedAttempt(id: number, error: string): Promise<void> {
      await db.query('UPDATE autoscaler_pauses SET attempts = attempts + 1, last_error = $2 WHERE id = $1', [
        id,
        error,
      ]);
    },
  };
}

export type AutoscalerPauses = ReturnType<typeof autoscalerPauses>;
