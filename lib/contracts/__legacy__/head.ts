/**
 * Test fixture, never imported by the app: the hand-written definitions the contracts replace,
 * copied verbatim from commit 6e1ad81. lib/ was being refactored onto lib/contracts/ while the
 * contracts were written, so the originals were moving or disappearing; a frozen copy keeps the
 * comparison in contracts.test.ts meaningful (a module that re-exports a contract would make it
 * compare the contract with itself). Changes from the originals: one import for the whole file,
 * audit route's Filter exported, viewerOf reduced to its signature, and appHealth's dependencies
 * (currentConfig, the configuration's type) declared here, never called.
 */
import { z } from 'zod';

// ---- lib/analysis/types.ts @ 6e1ad81 ----
/**
 * The analysis' inputs (what the sources observed) and output (the snapshot, the JSON contract of
 * GET /api/topology). Units are in the names: Ms milliseconds, PerSec per second, Pct percent,
 * share 0..1.
 */
export type StageKind = 'service' | 'queue' | 'workers' | 'store';
export type SourceName = 'rabbitmq' | 'prometheus' | 'nomad';
export type SourceStatus = 'ok' | 'stale' | 'down';

export interface StageSpec {
  id: string;
  kind: StageKind;
  label: string;
  queue?: { name: string; vhost: string; depthThreshold: number };
  /** For a workers stage: the queue stage it consumes from. */
  consumesFrom?: string;
  nomad?: { job: string; group: string };
  hasLatency: boolean;
  hasGpu: boolean;
}

export interface QueueObservation {
  /** Lag-free passive declare, when AMQP checks are on. */
  check: { ready: number; consumers: number; atMs: number } | null;
  /** Management API statistics (lag up to the broker's statistics interval). */
  stats: {
    ready: number;
    unacked: number;
    consumers: number;
    publishRatePerSec: number | null;
    deliverRatePerSec: number | null;
    headAgeMs: number | null;
  } | null;
  /** Recent ready counts, oldest first, for the growth rate. */
  history: Array<{ atMs: number; ready: number }>;
}

export interface LatencyObservation {
  p50Ms: number | null;
  p90Ms: number | null;
  p99Ms: number | null;
  /** At the end-to-end quantile, for attribution. */
  atQuantileMs: number | null;
}

export interface WorkersObservation {
  job: string;
  group: string;
  desired: number;
  running: number;
  scalingMin: number | null;
  scalingMax: number | null;
}

export interface Observations {
  nowMs: number;
  pipeline: string;
  stages: StageSpec[];
  sources: Record<SourceName, { status: SourceStatus; lastOkAt: string | null; error?: string }>;
  queues: Record<string, QueueObservation>;
  latencies: Record<string, LatencyObservation>;
  gpuUtilPct: Record<string, number | null>;
  workers: Record<string, WorkersObservation>;
  endToEnd: { pMs: number | null; quantile: number; sloMs: number };
  unmonitored: UnmonitoredQueue[];
}

export interface UnmonitoredQueue {
  vhost: string;
  name: string;
  ready: number;
  consumers: number;
  publishRatePerSec: number | null;
  deliverRatePerSec: number | null;
  alert: 'no-consumers' | 'growing' | null;
}

export interface StageSnapshot {
  id: string;
  kind: StageKind;
  label: string;
  consumesFrom?: string;
  queue?: {
    ready: number;
    unacked: number;
    consumers: number;
    publishRate: number | null;
    deliverRate: number | null;
    headAgeMs?: number;
    growthPerSec: number | null;
    /** The configured depth above which the queue is watched closely. */
    depthThreshold: number;
  };
  latency?: { p50Ms: number | null; p90Ms: number | null; p99Ms: number | null };
  workers?: { job: string; group: string; desired: number; running: number };
  gpu?: { utilPct: number };
  waitMs?: number;
  contributionMs: number;
  share: number;
  status: 'ok' | 'warn' | 'crit';
}

export interface Recommendation {
  job: string;
  group: string;
  from: number;
  to: number;
  drainSeconds?: number;
}

export interface Bottleneck {
  stageId: string;
  queueStageId?: string;
  reason: string;
  recommendation?: Recommendation;
}

export interface Insight {
  kind: 'gpu-underused' | 'no-consumers' | 'queue-growing' | 'slo-breach';
  stageId?: string;
  message: string;
}

export interface Snapshot {
  generatedAt: string;
  pipeline: string;
  sources: Observations['sources'];
  stages: StageSnapshot[];
  endToEnd: { pMs: number | null; quantile: number; sloMs: number; explainedMs: number; unexplainedMs: number | null };
  bottleneck: Bottleneck | null;
  insights: Insight[];
  unmonitoredQueues: UnmonitoredQueue[];
  /** Queues the broker holds in all, when a sweep has counted them (the list above is capped). */
  unmonitoredTotal?: number;
}

// ---- lib/history/replay.ts @ 6e1ad81 ----
export type Replay =
  | { ok: true; snapshot: Snapshot & { replay: { at: string; storedAt: string } } }
  | { ok: false; status: number; code: string; message: string };

// ---- lib/analysis/derive-events.ts @ 6e1ad81 ----
export type TimelineEventKind =
  | 'bottleneck-appeared'
  | 'bottleneck-moved'
  | 'bottleneck-cleared'
  | 'slo-breach-began'
  | 'slo-breach-ended'
  | 'queue-above-threshold'
  | 'queue-below-threshold'
  | 'source-down'
  | 'source-up'
  | 'workers-changed';

export interface TimelineEvent {
  at: string;
  kind: TimelineEventKind;
  stageId: string | null;
  message: string;
}

/** The end-to-end quantile is over the SLO. */
export const breached = (s: Pick<Snapshot, 'endToEnd'>) => s.endToEnd.pMs !== null && s.endToEnd.pMs > s.endToEnd.sloMs;

// ---- lib/incidents/model.ts @ 6e1ad81 ----
/**
 * Incidents: what they are, what may change, and in which order. Pure and free of dependencies
 * (the browser imports it); the routes' input schemas are in inputs.ts.
 */
export const severities = ['sev1', 'sev2', 'sev3'] as const;
export const statuses = ['suggested', 'investigating', 'mitigated', 'resolved', 'dismissed'] as const;
export type Severity = (typeof severities)[number];
export type IncidentStatus = (typeof statuses)[number];

export interface Incident {
  id: number;
  pipeline: string;
  title: string;
  severity: Severity;
  status: IncidentStatus;
  startedAt: string;
  endedAt: string | null;
  owner: string | null;
  openedBy: string;
  createdAt: string;
  updatedAt: string;
}

export type IncidentLogKind = 'opened' | 'suggested' | 'status' | 'owner' | 'severity' | 'title' | 'note';

export interface IncidentLogEntry {
  id: number;
  incidentId: number;
  at: string;
  author: string;
  authorRole: string;
  kind: IncidentLogKind;
  from: string | null;
  to: string | null;
  body: string;
}

/** Still needs attention: shown on every page, and blocks a second suggestion. */
export const isActive = (status: IncidentStatus) =>
  status === 'suggested' || status === 'investigating' || status === 'mitigated';
export const isClosed = (status: IncidentStatus) => status === 'resolved' || status === 'dismissed';

/** Allowed moves. A resolved incident may be reopened; a dismissed suggestion may be taken after all. */
const transitions: Record<IncidentStatus, IncidentStatus[]> = {
  suggested: ['investigating', 'dismissed'],
  investigating: ['mitigated', 'resolved'],
  mitigated: ['investigating', 'resolved'],
  resolved: ['investigating'],
  dismissed: ['investigating'],
};

export function canMove(from: IncidentStatus, to: IncidentStatus): boolean {
  return transitions[from].includes(to);
}

export function allowedMoves(from: IncidentStatus): IncidentStatus[] {
  return transitions[from];
}

export const statusLabel: Record<IncidentStatus, string> = {
  suggested: 'Suggested',
  investigating: 'Investigating',
  mitigated: 'Mitigated',
  resolved: 'Resolved',
  dismissed: 'Dismissed',
};

// ---- lib/incidents/inputs.ts @ 6e1ad81 ----
/** The bodies the incident routes accept, with messages that name the field. */
const text = (max: number) => z.string().trim().min(1, 'must not be empty').max(max, `at most ${max} characters`);

export const OpenIncidentInput = z
  .object({
    title: text(200),
    severity: z.enum(severities),
    /** When it began, if earlier than now (for example when the bottleneck appeared). */
    startedAt: z.iso.datetime({ offset: true }).optional(),
    note: z.string().trim().max(5000, 'at most 5000 characters').optional(),
  })
  .strict();
export type OpenIncidentInput = z.infer<typeof OpenIncidentInput>;

export const UpdateIncidentInput = z
  .object({
    status: z.enum(statuses).optional(),
    severity: z.enum(severities).optional(),
    title: text(200).optional(),
    /** Take charge (your own name) or hand over to another configured user. */
    owner: z.string().trim().min(1).max(64).optional(),
    /** Why: required for a status change, kept on the timeline and in the postmortem. */
    reason: z.string().trim().max(2000, 'at most 2000 characters').optional(),
  })
  .strict()
  .refine((v) => v.status !== undefined || v.severity !== undefined || v.title !== undefined || v.owner !== undefined, {
    message: 'nothing to change: give status, severity, title or owner',
  })
  .refine((v) => v.status === undefined || (v.reason !== undefined && v.reason.length >= 3), {
    message: 'a status change needs a reason (at least 3 characters)',
    path: ['reason'],
  });
export type UpdateIncidentInput = z.infer<typeof UpdateIncidentInput>;

export const NoteInput = z.object({ body: text(5000) }).strict();

// ---- lib/incidents/timeline.ts @ 6e1ad81 ----
export interface TimelineEntry {
  at: string;
  kind: string;
  source: 'warroom' | 'action' | 'incident';
  stageId: string | null;
  author: string | null;
  message: string;
  link: string;
}

// ---- lib/incidents/service.ts @ 6e1ad81 ----
export const incidentLink = (id: number, at?: string) => `/incidents/${id}${at ? `?at=${encodeURIComponent(at)}` : ''}`;
export function parseIncidentId(raw: string | undefined): number | null {
  if (!raw || !/^[1-9]\d{0,15}$/.test(raw)) return null;
  return Number(raw);
}
export interface IncidentDetail {
  incident: Incident;
  window: { from: string; to: string };
  timeline: TimelineEntry[];
  truncated: boolean;
  /** The scale actions from the incident's start to its end (the timeline also has the lead-in). */
  actions: AuditRow[];
  worst: { at: string; snapshot: Snapshot } | null;
  peak: { at: string; pMs: number; sloMs: number; quantile: number } | null;
}

// ---- lib/store/audit-log.ts @ 6e1ad81 ----
export type AuditOutcome = 'pending' | 'succeeded' | 'failed' | 'refused';

export interface AuditRow {
  id: number;
  createdAt: string;
  completedAt: string | null;
  actor: string;
  actorRole: string;
  action: string;
  job: string;
  group: string;
  from: number | null;
  to: number;
  reason: string;
  outcome: AuditOutcome;
  cooldownOverride: boolean;
  evalId: string | null;
  error: string | null;
  idempotencyKey: string;
}

// ---- app/api/audit/route.ts @ 6e1ad81 ----
export const Filter = z.object({
  actor: z.string().max(64).optional(),
  job: z.string().max(200).optional(),
  group: z.string().max(200).optional(),
  outcome: z.enum(['pending', 'succeeded', 'failed', 'refused']).optional(),
  limit: z.coerce.number().int().min(1).max(500).optional(),
});

// ---- lib/actions/scale-group.ts @ 6e1ad81 ----
export const ScalePreviewInput = z.strictObject({
  job: z.string().min(1).max(200),
  group: z.string().min(1).max(200),
  count: z
    .number()
    .int('count must be a whole number')
    .min(0, 'count cannot be negative')
    .max(10_000, 'count is unreasonably large'),
});

export const ScaleInput = ScalePreviewInput.extend({
  reason: z.string().trim().min(3, 'give a reason (at least 3 characters)').max(500),
  idempotencyKey: z.string().min(8).max(100),
  expectedModifyIndex: z.number().int().positive().optional(),
  overrideCooldown: z.boolean().optional(),
  /** The group's name, typed by the user, for large changes. */
  confirm: z.string().max(200).optional(),
});
export interface ScalePreview {
  job: string;
  group: string;
  current: number;
  to: number;
  running: number | null;
  bounds: {
    min: number;
    max: number;
    nomadMin: number | null;
    nomadMax: number | null;
    limitMin: number;
    limitMax: number;
  };
  jobModifyIndex: number;
  cooldown: { seconds: number; remainingSec: number; lastBy: string | null; lastAt: string | null };
  largeChange: boolean;
  confirmPhrase: string;
  projection: { drainSeconds: number | null; capacityPerSec: number | null; arrivalPerSec: number | null } | null;
  /** Why it cannot be done now (bounds, cooldown), or null. */
  blocked: string | null;
}

export interface ScaleOutcome {
  auditId: number;
  job: string;
  group: string;
  from: number;
  to: number;
  evalId: string;
  repeated: boolean;
}

// ---- lib/actions/result.ts @ 6e1ad81 ----
export type ActionErrorCode =
  'invalid' | 'unauthenticated' | 'forbidden' | 'not_found' | 'conflict' | 'cooldown' | 'upstream' | 'not_configured';
export const statusFor: Record<ActionErrorCode, number> = {
  invalid: 400,
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  cooldown: 409,
  upstream: 502,
  not_configured: 503,
};

// ---- lib/poller/series.ts @ 6e1ad81 ----
export interface SeriesLine {
  key: string;
  label: string;
  unit: 'ms' | 'messages' | 'count' | 'pct';
  points: Array<{ t: number; value: number | null }>;
}

export interface StageSeries {
  stageId: string;
  fetchedAt: string | null;
  error?: string;
  lines: SeriesLine[];
}

// ---- lib/incidents/bus.ts @ 6e1ad81 ----
export type Change = { topic: 'incident'; incidentId: number } | { topic: 'timeline'; at: string };

// ---- lib/config/schema.ts @ 6e1ad81 ----
export const roles = ['viewer', 'operator', 'admin'] as const;
export type Role = (typeof roles)[number];

// ---- lib/config/index.ts, lib/auth/authenticate.ts @ 6e1ad81 (what the two functions below depend on) ----
export type ConfigState =
  | { status: 'loaded'; file: string; config: WarroomConfig }
  | { status: 'missing' }
  | { status: 'invalid'; file: string; error: string };
declare function currentConfig(): ConfigState;
/** The one part of the configuration appHealth reads. */
type WarroomConfig = { pipeline: { name: string } };
type User = { name: string; role: Role; via: 'session' | 'token' | 'anonymous' };

// ---- lib/auth/current-user.ts @ 6e1ad81 (the signature only: the body reads request headers) ----
/** The current user as the browser components see them (no secrets), or null. */
export declare function viewerOf(): Promise<{ name: string; role: User['role']; signedIn: boolean } | null>;

// ---- lib/app-health.ts @ 6e1ad81 ----
const startedAtMs = Date.now();

/** Liveness of the dashboard process itself, and whether its configuration loads. */
export function appHealth() {
  const config = currentConfig();
  return {
    status: 'ok' as const,
    startedAt: new Date(startedAtMs).toISOString(),
    uptimeSec: Math.round((Date.now() - startedAtMs) / 1000),
    config: config.status,
    pipeline: config.status === 'loaded' ? config.config.pipeline.name : null,
  };
}

// ---- lib/history/parse-at.ts @ 6e1ad81 ----
/**
 * A moment named in a link (`?at=`): an ISO 8601 time with a zone, not in the future. Errors are
 * sentences a person can act on.
 */
export function parseAt(
  raw: string | null,
  nowMs = Date.now(),
): { ok: true; at: Date } | { ok: false; message: string } {
  if (raw === null || raw.trim() === '')
    return { ok: false, message: 'at is empty: give a time such as 2026-11-22T09:42:00Z' };
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})$/.test(raw.trim())) {
    return {
      ok: false,
      message: `"${raw.slice(0, 60)}" is not an ISO 8601 time with a zone, such as 2026-11-22T09:42:00Z`,
    };
  }
  const at = new Date(raw.trim());
  if (Number.isNaN(at.getTime())) return { ok: false, message: `"${raw.slice(0, 60)}" is not a valid time` };
  if (at.getTime() > nowMs + 1000) return { ok: false, message: `${at.toISOString()} is in the future` };
  return { ok: true, at };
}
