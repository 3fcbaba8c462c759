import type { AuditOutcome, AuditRow } from '../contracts/audit';
import type { Db } from './db';

/** The audit log: one row per action, pending before the source is called, completed after. */

const columns = `id, created_at, completed_at, actor, actor_role, action, target_job, target_group, from_count, to_count, reason, outcome, cooldown_override, nomad_eval_id, error, idempotency_key`;

interface RawRow {
  id: number | string;
  created_at: Date | string;
  completed_at: Date | string | null;
  actor: string;
  actor_role: string;
  action: string;
  target_job: string;
  target_group: string;
  from_count: number | null;
  to_count: number;
  reason: string;
  outcome: AuditOutcome;
  cooldown_override: boolean;
  nomad_eval_id: string | null;
  error: string | null;
  idempotency_key: string;
}

const iso = (v: Date | string | null) => (v === null ? null : new Date(v).toISOString());

function toRow(r: RawRow): AuditRow {
  return {
    id: Number(r.id),
    createdAt: iso(r.created_at)!,
    completedAt: iso(r.completed_at),
    actor: r.actor,
    actorRole: r.actor_role,
    action: r.action,
    job: r.target_job,
    group: r.target_group,
    from: r.from_count,
    to: r.to_count,
    reason: r.reason,
    outcome: r.outcome,
    cooldownOverride: r.cooldown_override,
    evalId: r.nomad_eval_id,
    error: r.error,
    idempotencyKey: r.idempotency_key,
  };
}

export function auditLog(db: Db) {
  return {
    /** Inserts a pending row; null when the idempotency key was used before (the caller reads that row). */
    async begin(entry: {
      actor: string;
      actorRole: string;
      action: string;
      job: string;
      group: string;
      to: number;
      reason: string;
      cooldownOverride: boolean;
      idempotencyKey: string;
    }): Promise<AuditRow | null> {
      const rows = await db.query<RawRow>(
        `INSERT INTO audit_log (actor, actor_role, action, target_job, target_group, to_count, reason, outcome, cooldown_override, idempotency_key)
         VALUES ($1, $2, $3, $4, $5, $6, $7, 'pending', $8, $9)
         ON CONFLICT (idempotency_key) DO NOTHING
         RETURNING ${columns}`,
        [
          entry.actor,
          entry.actorRole,
          entry.action,
          entry.job,
          entry.group,
          entry.to,
          entry.reason,
          entry.cooldownOverride,
          entry.idempotencyKey,
        ],
      );
      return rows[0] ? toRow(rows[0]) : null;
    },

    async complete(
      id: number,
      result: {
        outcome: Exclude<AuditOutcome, 'pending'>;
        from?: number | null;
        evalId?: string | null;
        error?: string | null;
      },
    ): Promise<AuditRow> {
      const rows = await db.query<RawRow>(
        `UPDATE audit_log SET outcome = $2, from_count = COALESCE($3, from_count), nomad_eval_id = $4, error = $5, completed_at = now()
         WHERE id = $1 RETURNING ${columns}`,
        [id, result.outcome, result.from ?? null, result.evalId ?? null, result.error ?? null],
      );
      return toRow(rows[0]!);
    },

    async byIdempotencyKey(key: string): Promise<AuditRow | null> {
      const rows = await db.query<RawRow>(`SELECT ${columns} FROM audit_log WHERE idempotency_key = $1`, [key]);
      return rows[0] ? toRow(rows[0]) : null;
    },

    /** The last successful action on a target (of the given kinds, or any), for its cooldown. */
    async lastSucceeded(job: string, group: string, actions?: string[]): Promise<AuditRow | null> {
      const rows = await db.query<RawRow>(
        `SELECT ${columns} FROM audit_log WHERE target_job = $1 AND target_group = $2 AND outcome = 'succeeded'
         AND ($3::text[] IS NULL OR action = ANY($3::text[])) ORDER BY created_at DESC LIMIT 1`,
        [job, group, actions ?? null],
      );
      return rows[0] ? toRow(rows[0]) : null;
    },

    /** Newest first; `from`/`to` bound the creation time (inclusive). */
    async list(
      filter: {
        actor?: string;
        job?: string;
        group?: string;
        outcome?: AuditOutcome;
        from?: Date;
        to?: Date;
        limit?: number;
      } = {},
    ): Promise<AuditRow[]> {
      const where: string[] = [];
      const params: unknown[] = [];
      for (const [column, value] of [
        ['actor', filter.actor],
        ['target_job', filter.job],
        ['target_group', filter.group],
        ['outcome', filter.outcome],
      ] as const) {
        if (value) {
          params.push(value);
          where.push(`${column} = $${params.length}`);
        }
      }
      if (filter.from) {
        params.push(filter.from.toISOString());
        where.push(`created_at >= $${params.length}`);
      }
      if (filter.to) {
        params.push(filter.to.toISOString());
        where.push(`created_at <= $${params.length}`);
      }
      params.push(Math.min(500, Math.max(1, filter.limit ?? 100)));
      const rows = await db.query<RawRow>(
        `SELECT ${columns} FROM audit_log ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY created_at DESC, id DESC LIMIT $${params.length}`,
        params,
      );
      return rows.map(toRow);
    },
  };
}

export type AuditLog = ReturnType<typeof auditLog>;
