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
];
