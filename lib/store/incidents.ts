import type { Snapshot } from '../contracts/snapshot';
import type { Incident, IncidentLogEntry, IncidentLogKind, IncidentStatus, Severity } from '../contracts/incident';
import { fromJsonb, type Db } from './db';

/** Incidents and their log, by pipeline. Every change writes its log row in the same statement batch. */
interface RawIncident {
  id: number | string;
  pipeline: string;
  title: string;
  severity: Severity;
  status: IncidentStatus;
  started_at: Date | string;
  ended_at: Date | string | null;
  owner: string | null;
  opened_by: string;
  created_at: Date | string;
  updated_at: Date | string;
}

interface RawLog {
  id: number | string;
  incident_id: number | string;
  at: Date | string;
  author: string;
  author_role: string;
  kind: IncidentLogKind;
  from_value: string | null;
  to_value: string | null;
  body: string;
}

const iso = (v: Date | string) => new Date(v).toISOString();

function toIncident(r: RawIncident): Incident {
  return {
    id: Number(r.id),
    pipeline: r.pipeline,
    title: r.title,
    severity: r.severity,
    status: r.status,
    startedAt: iso(r.started_at),
    endedAt: r.ended_at === null ? null : iso(r.ended_at),
    owner: r.owner,
    openedBy: r.opened_by,
    createdAt: iso(r.created_at),
    updatedAt: iso(r.updated_at),
  };
}

function toLog(r: RawLog): IncidentLogEntry {
  return {
    id: Number(r.id),
    incidentId: Number(r.incident_id),
    at: iso(r.at),
    author: r.author,
    authorRole: r.author_role,
    kind: r.kind,
    from: r.from_value,
    to: r.to_value,
    body: r.body,
  };
}

const columns = 'id, pipeline, title, severity, status, started_at, ended_at, owner, opened_by, created_at, updated_at';

export interface Author {
  name: string;
  role: string;
}

export function incidents(db: Db) {
  return {
    /** The incident and its first log row, in one statement (both or neither). */
    async create(input: {
      pipeline: string;
      title: string;
      severity: Severity;
      status: 'suggested' | 'investigating';
      startedAt: string;
      owner: string | null;
      author: Author;
      body?: string;
    }): Promise<Incident> {
      const rows = await db.query<RawIncident>(
        `WITH i AS (
           INSERT INTO incidents (pipeline, title, severity, status, started_at, owner, opened_by) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING ${columns}
         ), l AS (
           INSERT INTO incident_log (incident_id, at, author, author_role, kind, to_value, body)
           SELECT id, CASE WHEN $4 = 'suggested' THEN started_at ELSE now() END, $7, $8, CASE WHEN $4 = 'suggested' THEN 'suggested' ELSE 'opened' END, $4, $9 FROM i
         )
         SELECT * FROM i`,
        [
          input.pipeline,
          input.title,
          input.severity,
          input.status,
          input.startedAt,
          input.owner,
          input.author.name,
          input.author.role,
          input.body ?? '',
        ],
      );
      return toIncident(rows[0]!);
    },

    /** The incident, if it exists and belongs to this pipeline. */
    async get(pipeline: string, id: number): Promise<Incident | null> {
      const rows = await db.query<RawIncident>(`SELECT ${columns} FROM incidents WHERE id = $1 AND pipeline = $2`, [
        id,
        pipeline,
      ]);
      return rows[0] ? toIncident(rows[0]) : null;
    },

    async list(pipeline: string, limit = 100): Promise<Incident[]> {
      const rows = await db.query<RawIncident>(
        `SELECT ${columns} FROM incidents WHERE pipeline = $1 ORDER BY started_at DESC, id DESC LIMIT $2`,
        [pipeline, Math.min(500, Math.max(1, limit))],
      );
      return rows.map(toIncident);
    },

    /** The incident that still needs attention (suggested, investigating or mitigated), newest first. */
    async active(pipeline: string): Promise<Incident | null> {
      const rows = await db.query<RawIncident>(
        `SELECT ${columns} FROM incidents WHERE pipeline = $1 AND status IN ('suggested', 'investigating', 'mitigated') ORDER BY started_at DESC, id DESC LIMIT 1`,
        [pipeline],
      );
      return rows[0] ? toIncident(rows[0]) : null;
    },

    /**
     * Applies one field change and its log row in one statement, only if the incident still has
     * the value the caller saw (`expected`): a concurrent change by someone else is reported
     * (null), not overwritten.
     */
    async change(
      id: number,
      field: 'status' | 'severity' | 'title' | 'owner',
      expected: string | null,
      to: string,
      author: Author,
      body = '',
      /** Only while the incident has this status (warroom touches only its own suggestions). */
      onlyIfStatus?: IncidentStatus,
    ): Promise<Incident | null> {
      // The column name is one of four literals (the type above), never input.
      const column = ({ status: 'status', severity: 'severity', title: 'title', owner: 'owner' } as const)[field];
      const endedAt = field === 'status' ? (to === 'resolved' || to === 'dismissed' ? 'now()' : 'NULL') : 'ended_at';
      const rows = await db.query<RawIncident>(
        `WITH u AS (
           UPDATE incidents SET ${column} = $2, ended_at = ${endedAt}, updated_at = now()
            WHERE id = $1 AND ${column} IS NOT DISTINCT FROM $3 AND ($8::text IS NULL OR status = $8::text) RETURNING ${columns}
         ), l AS (
           INSERT INTO incident_log (incident_id, author, author_role, kind, from_value, to_value, body) SELECT id, $4, $5, $6, $3, $2, $7 FROM u
         )
         SELECT * FROM u`,
        [id, to, expected, author.name, author.role, field, body, onlyIfStatus ?? null],
      );
      return rows[0] ? toIncident(rows[0]) : null;
    },

    async note(id: number, author: Author, body: string): Promise<IncidentLogEntry | null> {
      const rows = await db.query<RawLog>(
        `WITH u AS (UPDATE incidents SET updated_at = now() WHERE id = $1 RETURNING id)
         INSERT INTO incident_log (incident_id, author, author_role, kind, body) SELECT id, $2, $3, 'note', $4 FROM u RETURNING *`,
        [id, author.name, author.role, body],
      );
      return rows[0] ? toLog(rows[0]) : null;
    },

    async logOf(id: number): Promise<IncidentLogEntry[]> {
      const rows = await db.query<RawLog>('SELECT * FROM incident_log WHERE incident_id = $1 ORDER BY at ASC, id ASC', [
        id,
      ]);
      return rows.map(toLog);
    },

    /**
     * The bottleneck at its worst: among the stored snapshots with a bottleneck in the window, the
     * one with the deepest backlog at it (see bottleneckRank), then the worst end-to-end latency.
     * Null when there was none.
     */
    async worstSnapshot(pipeline: string, from: Date, to: Date): Promise<{ at: string; snapshot: Snapshot } | null> {
      const rows = await db.query<{ at: Date | string; body: Snapshot | string }>(
        `SELECT at, body FROM snapshots WHERE id = (
           SELECT id FROM snapshots
            WHERE pipeline = $1 AND at >= $2 AND at <= $3 AND bottleneck_rank IS NOT NULL
            ORDER BY bottleneck_rank DESC, e2e_ms DESC NULLS LAST, at ASC LIMIT 1)`,
        [pipeline, from.toISOString(), to.toISOString()],
      );
      const row = rows[0];
      if (!row) return null;
      return {
        at: iso(row.at),
        snapshot: fromJsonb(row.body),
      };
    },

    /** The highest end-to-end latency stored in the window, and when. */
    async peakLatency(
      pipeline: string,
      from: Date,
      to: Date,
    ): Promise<{ at: string; pMs: number; sloMs: number; quantile: number } | null> {
      const rows = await db.query<{ at: Date | string; p: number | string; slo: number | string; q: number | string }>(
        `SELECT at, e2e_ms AS p, (body->'endToEnd'->>'sloMs')::double precision AS slo, (body->'endToEnd'->>'quantile')::double precision AS q FROM snapshots WHERE id = (
           SELECT id FROM snapshots WHERE pipeline = $1 AND at >= $2 AND at <= $3 AND e2e_ms IS NOT NULL ORDER BY e2e_ms DESC, at ASC LIMIT 1)`,
        [pipeline, from.toISOString(), to.toISOString()],
      );
      const row = rows[0];
      return row ? { at: iso(row.at), pMs: Number(row.p), sloMs: Number(row.slo), quantile: Number(row.q) } : null;
    },
  };
}

export type Incidents = ReturnType<typeof incidents>;
