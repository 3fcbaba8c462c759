/**
 * The schema, as ordered migrations. The same SQL runs on PostgreSQL and on PGlite; each runs
 * once, recorded in schema_migrations.
 */
export const migrations: Array<{ version: number; name: string; sql: string }> = [
  {
    version: 1,
    name: 'audit log',
    sql: `
-- Every state-changing action, written before the source is called and completed after.
CREATE TABLE audit_log (
  id BIGSERIAL PRIMARY KEY,
  created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
  completed_at TIMESTAMPTZ,
  actor TEXT NOT NULL,
  actor_role TEXT NOT NULL,
  action TEXT NOT NULL,
  target_job TEXT NOT NULL,
  target_group TEXT NOT NULL,
  from_count INTEGER,
  to_count INTEGER NOT NULL,
  reason TEXT NOT NULL,
  outcome TEXT NOT NULL CHECK (outcome IN ('pending', 'succeeded', 'failed', 'refused')),
  cooldown_override BOOLEAN NOT NULL DEFAULT false,
  nomad_eval_id TEXT,
  error TEXT,
  idempotency_key TEXT NOT NULL UNIQUE
);
CREATE INDEX audit_log_target ON audit_log (target_job, target_group, created_at DESC);
CREATE INDEX audit_log_created ON audit_log (created_at DESC);
`,
  },
  {
    version: 2,
    name: 'history',
    sql: `
-- The topology as it was: one row per stored snapshot (the recorder skips unchanged ones).
CREATE TABLE snapshots (
  id BIGSERIAL PRIMARY KEY,
  at TIMESTAMPTZ NOT NULL,
  pipeline TEXT NOT NULL,
  fingerprint TEXT NOT NULL,
  body JSONB NOT NULL
);
CREATE INDEX snapshots_pipeline_at ON snapshots (pipeline, at DESC);
-- What changed, derived from consecutive snapshots.
CREATE TABLE timeline_events (
  id BIGSERIAL PRIMARY KEY,
  at TIMESTAMPTZ NOT NULL,
  pipeline TEXT NOT NULL,
  kind TEXT NOT NULL,
  stage_id TEXT,
  message TEXT NOT NULL
);
CREATE INDEX timeline_events_pipeline_at ON timeline_events (pipeline, at);
`,
  },
  {
    version: 3,
    name: 'incidents',
    sql: `
-- An incident: opened by a person, or suggested by warroom when a bottleneck or an SLO breach
-- appears. ended_at is set when it is resolved or dismissed.
CREATE TABLE incidents (
  id BIGSERIAL PRIMARY KEY,
  pipeline TEXT NOT NULL,
  title TEXT NOT NULL,
  severity TEXT NOT NULL CHECK (severity IN ('sev1', 'sev2', 'sev3')),
  status TEXT NOT NULL CHECK (status IN ('suggested', 'investigating', 'mitigated', 'resolved', 'dismissed')),
  started_at TIMESTAMPTZ NOT NULL,
  ended_at TIMESTAMPTZ,
  owner TEXT,
  opened_by TEXT NOT NULL,
  created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
  updated_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX incidents_pipeline_started ON incidents (pipeline, started_at DESC);
-- Everything people (and warroom) did to an incident: opened, status, owner, severity, notes.
-- It is the incident's audit trail and part of its timeline.
CREATE TABLE incident_log (
  id BIGSERIAL PRIMARY KEY,
  incident_id BIGINT NOT NULL REFERENCES incidents (id) ON DELETE CASCADE,
  at TIMESTAMPTZ NOT NULL DEFAULT now(),
  author TEXT NOT NULL,
  author_role TEXT NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('opened', 'suggested', 'status', 'owner', 'severity', 'title', 'note')),
  from_value TEXT,
  to_value TEXT,
  body TEXT NOT NULL DEFAULT ''
);
CREATE INDEX incident_log_incident_at ON incident_log (incident_id, at);
`,
  },
  {
    version: 4,
    name: 'snapshot figures',
    sql: `
-- Two figures of each snapshot kept beside its body, so that finding an incident's worst moment
-- and its peak latency reads two numbers per row instead of parsing every stored JSON body.
-- bottleneck_rank: how bad the bottleneck was, the ready count of its queue (lag-free), or for a
-- stage without a queue its time at the end-to-end quantile; null without a bottleneck.
ALTER TABLE snapshots ADD COLUMN e2e_ms DOUBLE PRECISION;
ALTER TABLE snapshots ADD COLUMN bottleneck_rank DOUBLE PRECISION;
UPDATE snapshots SET
  e2e_ms = (body->'endToEnd'->>'pMs')::double precision,
  bottleneck_rank = CASE
    WHEN jsonb_typeof(body->'bottleneck') <> 'object' THEN NULL
    WHEN body->'bottleneck'->>'queueStageId' IS NOT NULL THEN (
      SELECT COALESCE((st->'queue'->>'ready')::double precision, 0) FROM jsonb_array_elements(body->'stages') st
       WHERE st->>'id' = body->'bottleneck'->>'queueStageId' LIMIT 1)
    ELSE (
      SELECT COALESCE((st->>'contributionMs')::double precision, 0) FROM jsonb_array_elements(body->'stages') st
       WHERE st->>'id' = body->'bottleneck'->>'stageId' LIMIT 1)
  END;
`,
  },
  {
    version: 5,
    name: 'live snapshot',
    sql: `
-- The leader's latest snapshot per pipeline, overwritten on every poll cycle, which the other
-- replicas read when told (NOTIFY) that it changed.
CREATE TABLE live_snapshots (
  pipeline TEXT PRIMARY KEY,
  at TIMESTAMPTZ NOT NULL,
  seq BIGINT NOT NULL,
  body JSONB NOT NULL
);
`,
  },
  {
    version: 6,
    name: 'session revocations',
    sql: `
-- Signed-out sessions (the cookie's random sid), refused until they would have expired anyway;
-- rows past expires_at are pruned whenever another session is revoked.
CREATE TABLE revoked_sessions (
  sid TEXT PRIMARY KEY,
  user_name TEXT NOT NULL,
  revoked_at TIMESTAMPTZ NOT NULL,
  expires_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX revoked_sessions_expires ON revoked_sessions (expires_at);
-- "Sessions issued before not_before are over", for one user (user_name) or for everyone (NULL);
-- the latest for the user and for everyone decide. Each row is also the audit trail of that action
-- (who, in which role, why), written in the same statement as the change, as incident_log is for
-- incidents: audit_log's columns describe a scale of a Nomad group.
CREATE TABLE session_cutoffs (
  id BIGSERIAL PRIMARY KEY,
  user_name TEXT,
  not_before TIMESTAMPTZ NOT NULL,
  actor TEXT NOT NULL,
  actor_role TEXT NOT NULL,
  reason TEXT NOT NULL,
  created_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX session_cutoffs_user ON session_cutoffs (user_name, not_before DESC);
`,
  },
  {
    version: 7,
    name: 'autoscaler pauses',
    sql: `
-- A group's autoscaler policy paused by a scale (audit_id, the row of that scale) until restore_at,
-- when the leader enables it again (restored_at); attempts and last_error while that fails.
CREATE TABLE autoscaler_pauses (
  id BIGSERIAL PRIMARY KEY,
  target_job TEXT NOT NULL,
  target_group TEXT NOT NULL,
  audit_id BIGINT NOT NULL REFERENCES audit_log (id),
  paused_at TIMESTAMPTZ NOT NULL DEFAULT now(),
  restore_at TIMESTAMPTZ NOT NULL,
  restored_at TIMESTAMPTZ,
  attempts INTEGER NOT NULL DEFAULT 0,
  last_error TEXT
);
CREATE INDEX autoscaler_pauses_due ON autoscaler_pauses (restore_at) WHERE restored_at IS NULL;
`,
  },
  {
    version: 8,
    name: 'worst and peak moments by index',
    sql: `
-- An incident's worst moment and peak latency, in the order their queries ask for them: the scan
-- stops at the first row inside the incident's window, comparing its time in the index, rather
-- than reading every snapshot row of the window (a day holds 17,280, with their bodies: about
-- 60 ms of each link into a 24-hour incident).
CREATE INDEX snapshots_worst ON snapshots (pipeline, bottleneck_rank DESC, e2e_ms DESC NULLS LAST, at ASC)
  WHERE bottleneck_rank IS NOT NULL;
CREATE INDEX snapshots_peak ON snapshots (pipeline, e2e_ms DESC, at ASC) WHERE e2e_ms IS NOT NULL;
`,
  },
  {
    version: 9,
    name: 'leader terms',
    sql: `
-- Each time a replica becomes the leader of a pipeline it takes the next term. The history is
-- written only under the current term, checked in the writing transaction, so a leader that has
-- just lost the lead (stopped, or its lease connection cut) cannot write after its successor read
-- where the history stopped.
CREATE TABLE leader_terms (name TEXT PRIMARY KEY, term BIGINT NOT NULL);
`,
  },
  {
    version: 10,
    name: 'a backlog outranks a stage without one',
    sql: `
-- The worst moment's rank mixed units: a queue's ready count against a stage's milliseconds, so a
-- slow stage named for a moment (1,300 ms) outranked a backlog of 120. Ranks of bottlenecks with
-- a queue now start at 1e15 (lib/store/history.ts, backlogRankBase).
UPDATE snapshots SET bottleneck_rank = bottleneck_rank + 1e15
 WHERE bottleneck_rank IS NOT NULL AND bottleneck_rank < 1e15 AND body->'bottleneck'->>'queueStageId' IS NOT NULL;
`,
  },
];
