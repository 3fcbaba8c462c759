import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, expectTypeOf, it } from 'vitest';
import type { z } from 'zod';
import { AuditFilter, AuditList, AuditOutcome, auditOutcomes, AuditRow } from './audit';
import { Change } from './change';
import { ErrorBody, ErrorCode, statusFor } from './errors';
import { Health } from './health';
import {
  allowedMoves,
  canMove,
  Incident,
  IncidentDetail,
  IncidentIdParams,
  incidentLink,
  IncidentLogEntry,
  IncidentLogKind,
  IncidentStatus,
  isActive,
  isClosed,
  NoteInput,
  OpenIncidentInput,
  severities,
  statuses,
  statusLabel,
  UpdateIncidentInput,
} from './incident';
import { ScaleInput, ScaleOutcome, ScalePreview, ScalePreviewInput } from './scale';
import { SeriesLine, SeriesQuery, StageSeries } from './series';
import {
  Bottleneck,
  Insight,
  isSloBreached,
  Recommendation,
  Snapshot,
  SourceName,
  SourceState,
  SourceStatus,
  StageKind,
  StageSnapshot,
  UnmonitoredQueue,
} from './snapshot';
import { parseAt } from './time';
import { localPath } from './local-path';
import { TimelineEntry, TimelineEvent, TimelineEventKind, timelineEventKinds } from './timeline';
import { roles, Viewer } from './viewer';

const here = import.meta.dirname;
const runs = { numRuns: 300 };
const x = (n: number) => 'x'.repeat(n);

describe('contract modules', () => {
  it('import only zod and each other (the browser imports them)', () => {
    const files = readdirSync(here).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'));
    expect(files.length).toBeGreaterThanOrEqual(11);
    for (const file of files) {
      const source = readFileSync(path.join(here, file), 'utf8');
      const specifiers = [...source.matchAll(/(?:\bfrom\s*|\bimport\s*\(?\s*|\brequire\s*\(\s*)['"]([^'"]+)['"]/g)].map(
        (m) => m[1]!,
      );
      for (const specifier of specifiers) {
        const sibling = /^\.\/[\w-]+$/.test(specifier) && files.includes(`${specifier.slice(2)}.ts`);
        expect(specifier === 'zod' || sibling, `${file} imports ${specifier}`).toBe(true);
      }
    }
  });
});

describe('inferred types', () => {
  it('say what the schemas do not show at a glance', () => {
    // Every source, always (a record over SourceName, not a partial one).
    expectTypeOf<keyof Snapshot['sources']>().toEqualTypeOf<SourceName>();
    expectTypeOf<Snapshot['sources']['nomad']>().toEqualTypeOf<SourceState>();
    // Only a replayed snapshot says so.
    expectTypeOf<Snapshot['replay']>().toEqualTypeOf<{ at: string; storedAt: string } | undefined>();
    expectTypeOf<IncidentDetail['worst']>().toExtend<object | null>();
    expectTypeOf<null>().toExtend<IncidentDetail['worst']>();
    // The route segment arrives as text and leaves as a number.
    expectTypeOf<z.input<typeof IncidentIdParams>>().toEqualTypeOf<{ id: string }>();
    expectTypeOf<IncidentIdParams['id']>().toEqualTypeOf<number>();
    // A page switches on `topic`.
    expectTypeOf<Change>().toEqualTypeOf<
      { topic: 'incident'; incidentId: number } | { topic: 'timeline'; at: string }
    >();
  });
});

describe('enumerations', () => {
  it('list their values, in order', () => {
    expect(StageKind.options).toEqual(['service', 'queue', 'workers', 'store']);
    expect(SourceName.options).toEqual(['rabbitmq', 'prometheus', 'nomad']);
    expect(SourceStatus.options).toEqual(['ok', 'stale', 'down']);
    expect(StageSnapshot.shape.status.options).toEqual(['ok', 'warn', 'crit']);
    expect(UnmonitoredQueue.shape.alert.unwrap().options).toEqual(['no-consumers', 'growing']);
    expect(Insight.shape.kind.options).toEqual(['gpu-underused', 'no-consumers', 'queue-growing', 'slo-breach']);
    expect(timelineEventKinds).toEqual([
      'bottleneck-appeared',
      'bottleneck-moved',
      'bottleneck-cleared',
      'slo-breach-began',
      'slo-breach-ended',
      'queue-above-threshold',
      'queue-below-threshold',
      'source-down',
      'source-up',
      'workers-changed',
      'deployment',
      'allocation-trouble',
      'job-registered',
      'alert-firing',
      'alert-resolved',
    ]);
    expect(TimelineEntry.shape.source.options).toEqual(['warroom', 'action', 'incident']);
    expect(auditOutcomes).toEqual(['pending', 'succeeded', 'failed', 'refused']);
    expect(severities).toEqual(['sev1', 'sev2', 'sev3']);
    expect(statuses).toEqual(['suggested', 'investigating', 'mitigated', 'resolved', 'dismissed']);
    expect(IncidentStatus.options).toEqual([...statuses]);
    expect(IncidentLogKind.options).toEqual(['opened', 'suggested', 'status', 'owner', 'severity', 'title', 'note']);
    expect(SeriesLine.shape.unit.options).toEqual(['ms', 'messages', 'count', 'pct', 'perSec']);
    expect(Health.shape.config.options).toEqual(['loaded', 'missing', 'invalid']);
  });
});

type FieldPath = (string | number)[];
const isRecord = (v: unknown): v is Record<PropertyKey, unknown> => typeof v === 'object' && v !== null;

/** Every field of `value` as a path; an array's first element stands for all of them (`lines.0.unit`). */
function fieldPaths(value: unknown, opaque: string[], prefix: FieldPath = []): FieldPath[] {
  if (!isRecord(value) || opaque.includes(prefix.join('.'))) return [];
  const entries: [string | number, unknown][] = Array.isArray(value)
    ? value.slice(0, 1).map((v) => [0, v])
    : Object.entries(value);
  return entries.flatMap(([key, v]) => {
    const at = [...prefix, key];
    return Array.isArray(value) ? fieldPaths(v, opaque, at) : [at, ...fieldPaths(v, opaque, at)];
  });
}

/** A copy of `value` with the field at `at` left out (`change` undefined) or set. */
function edited(value: object, at: FieldPath, change: { to: unknown } | undefined): unknown {
  const copy = structuredClone(value) as Record<PropertyKey, unknown>;
  let parent = copy;
  for (const step of at.slice(0, -1)) parent = parent[step] as Record<PropertyKey, unknown>;
  const key = at[at.length - 1]!;
  if (change) parent[key] = change.to;
  else delete parent[key];
  return copy;
}

/**
 * A response contract's shape, as runtime rules: `example` names every field of
 * `schema` and parses unchanged (z.object drops fields it does not know), and each field, nested
 * ones too, may be left out only if listed in `optional` and be null only if listed in `nullable`.
 * Fields under a path in `opaque` are pinned by their own contract.
 */
function pinsFields(
  schema: z.ZodObject,
  example: Record<string, unknown>,
  { optional = [], nullable = [], opaque = [] }: { optional?: string[]; nullable?: string[]; opaque?: string[] } = {},
) {
  expect(schema.parse(example)).toEqual(example);
  expect(Object.keys(schema.shape).sort()).toEqual(Object.keys(example).sort());
  const paths = fieldPaths(example, opaque);
  const names = paths.map((p) => p.join('.'));
  for (const name of [...optional, ...nullable, ...opaque])
    expect(names, 'a listed field is in the example').toContain(name);
  for (const [i, at] of paths.entries()) {
    const name = names[i]!;
    expect(schema.safeParse(edited(example, at, undefined)).success, `without ${name}`).toBe(optional.includes(name));
    expect(schema.safeParse(edited(example, at, { to: null })).success, `${name}: null`).toBe(nullable.includes(name));
  }
}

const t0 = '2026-11-22T09:30:00.000Z';
const t1 = '2026-11-22T09:42:00.000Z';
const stage: StageSnapshot = {
  id: 'ml-workers',
  kind: 'workers',
  label: 'ML workers',
  consumesFrom: 'ml-queue',
  after: ['ml-queue'],
  queue: {
    ready: 120,
    unacked: 8,
    consumers: 4,
    publishRate: 30,
    deliverRate: 25,
    headAgeMs: 4000,
    growthPerSec: 5,
    depthThreshold: 100,
  },
  latency: { p50Ms: 80, p90Ms: 140, p99Ms: 300 },
  workers: { job: 'ml', group: 'workers', desired: 4, running: 3 },
  gpu: {
    utilPct: 16,
    memory: { usedMiB: 15_360, totalMiB: 73_728, gpus: 3, perGpuTotalMiB: 24_576, perWorkerMiB: 5_120 },
    room: {
      workersPerGpu: 1,
      byUtilisation: 5,
      byMemory: 4,
      perGpu: 4,
      binding: 'memory',
      memoryMeasured: true,
      summary: 'fits 4 workers per GPU: utilisation allows 5, memory 4 (5 GiB per worker of 24 GiB); memory binds',
    },
  },
  waitMs: 4000,
  contributionMs: 4200,
  share: 0.8,
  status: 'crit',
};
const recommendation: Recommendation = {
  job: 'ml',
  group: 'workers',
  from: 4,
  to: 6,
  drainSeconds: 90,
  basis: {
    arrivalPerSec: 13,
    projectedPerSec: 26,
    trendPerSecPerMin: 1.5,
    horizonSec: 600,
    startupSec: 20,
    startupLearned: false,
    perConsumerPerSec: 4,
    targetUtilisation: 0.7,
  },
  notes: ['GPUs are at 18%: packing more workers per GPU adds this capacity without more GPUs.'],
};
const bottleneck: Bottleneck = {
  stageId: 'ml-workers',
  queueStageId: 'ml-queue',
  reason: 'the workers cannot keep up',
  recommendation,
};
const insight: Insight = { kind: 'queue-growing', stageId: 'ml-queue', message: 'ml-queue grows by 5/s' };
const unmonitored: UnmonitoredQueue = {
  vhost: '/',
  name: 'reply.tmp',
  ready: 3,
  consumers: 0,
  publishRatePerSec: 0.5,
  deliverRatePerSec: 0,
  alert: 'no-consumers',
};
const snapshot: Snapshot = {
  generatedAt: t1,
  pipeline: 'demo',
  sources: {
    rabbitmq: { status: 'stale', lastOkAt: t0, error: 'timed out after 2 s' },
    prometheus: { status: 'ok', lastOkAt: t1 },
    nomad: { status: 'down', lastOkAt: null },
  },
  stages: [stage],
  endToEnd: { pMs: 5200, quantile: 0.9, sloMs: 3000, explainedMs: 4200, unexplainedMs: 1000 },
  bottleneck,
  insights: [insight],
  unmonitoredQueues: [unmonitored],
  unmonitoredTotal: 7,
  replay: { at: t1, storedAt: '2026-11-22T09:41:58.000Z' },
};
const incident: Incident = {
  id: 7,
  pipeline: 'demo',
  title: 'ML queue backlog',
  severity: 'sev2',
  status: 'resolved',
  startedAt: t0,
  endedAt: t1,
  owner: 'ada',
  openedBy: 'warroom',
  createdAt: t0,
  updatedAt: t1,
};
const auditRow: AuditRow = {
  id: 12,
  createdAt: t0,
  completedAt: t0,
  actor: 'ada',
  actorRole: 'operator',
  action: 'scale',
  job: 'ml',
  group: 'workers',
  from: 4,
  to: 6,
  reason: 'backlog grows',
  outcome: 'succeeded',
  cooldownOverride: false,
  evalId: 'e-1',
  error: 'none',
  idempotencyKey: 'k-123456',
};
const timelineEntry: TimelineEntry = {
  at: t0,
  kind: 'action',
  source: 'action',
  stageId: 'ml-workers',
  author: 'ada',
  message: 'ada scaled ml/workers from 4 to 6',
  link: `/?at=${encodeURIComponent(t0)}`,
};

describe('response contracts name every field, with what may be missing or null', () => {
  it('snapshot', () => {
    pinsFields(StageSnapshot, stage, {
      optional: [
        'consumesFrom',
        'after',
        'queue',
        'queue.headAgeMs',
        'latency',
        'workers',
        'gpu',
        'gpu.memory',
        'gpu.room',
        'waitMs',
      ],
      nullable: [
        'gpu.memory.perWorkerMiB',
        'gpu.room.workersPerGpu',
        'gpu.room.byUtilisation',
        'gpu.room.byMemory',
        'gpu.room.perGpu',
        'gpu.room.binding',
        'queue.publishRate',
        'queue.deliverRate',
        'queue.growthPerSec',
        'latency.p50Ms',
        'latency.p90Ms',
        'latency.p99Ms',
      ],
    });
    pinsFields(Recommendation, recommendation, {
      optional: ['drainSeconds', 'basis', 'notes'],
      nullable: ['basis.trendPerSecPerMin'],
      opaque: ['notes'],
    });
    pinsFields(Bottleneck, bottleneck, { optional: ['queueStageId', 'recommendation'], opaque: ['recommendation'] });
    pinsFields(Insight, insight, { optional: ['stageId'] });
    pinsFields(UnmonitoredQueue, unmonitored, { nullable: ['publishRatePerSec', 'deliverRatePerSec', 'alert'] });
    pinsFields(Snapshot, snapshot, {
      optional: ['sources.rabbitmq.error', 'unmonitoredTotal', 'replay'],
      nullable: [
        'sources.rabbitmq.lastOkAt',
        'sources.prometheus.lastOkAt',
        'sources.nomad.lastOkAt',
        'endToEnd.pMs',
        'endToEnd.unexplainedMs',
        'bottleneck',
      ],
      opaque: ['stages', 'bottleneck', 'insights', 'unmonitoredQueues'],
    });
  });

  it('timeline, audit, incidents', () => {
    pinsFields(
      TimelineEvent,
      { at: t0, kind: 'bottleneck-appeared', stageId: 'ml-workers', message: 'ML workers became the bottleneck' },
      { nullable: ['stageId'] },
    );
    pinsFields(TimelineEntry, timelineEntry, { nullable: ['stageId', 'author'] });
    pinsFields(AuditRow, auditRow, { nullable: ['completedAt', 'from', 'evalId', 'error'] });
    pinsFields(Incident, incident, { nullable: ['endedAt', 'owner'] });
    pinsFields(
      IncidentLogEntry,
      {
        id: 31,
        incidentId: 7,
        at: t0,
        author: 'ada',
        authorRole: 'operator',
        kind: 'status',
        from: 'investigating',
        to: 'mitigated',
        body: 'scaled the workers',
      },
      { nullable: ['from', 'to'] },
    );
    pinsFields(
      IncidentDetail,
      {
        incident,
        window: { from: t0, to: t1 },
        timeline: [timelineEntry],
        truncated: false,
        actions: [auditRow],
        worst: { at: t1, snapshot },
        peak: { at: t1, pMs: 5200, sloMs: 3000, quantile: 0.9 },
        omitted: { before: 120, after: 30 },
      },
      {
        nullable: ['worst', 'peak'],
        optional: ['omitted'],
        opaque: ['incident', 'timeline', 'actions', 'worst.snapshot'],
      },
    );
  });

  it('scale, series, viewer, health', () => {
    pinsFields(
      ScalePreview,
      {
        job: 'ml',
        group: 'workers',
        current: 4,
        to: 6,
        running: 4,
        bounds: { min: 1, max: 8, nomadMin: 1, nomadMax: 10, limitMin: 0, limitMax: 8 },
        jobModifyIndex: 42,
        cooldown: { seconds: 120, remainingSec: 0, lastBy: 'ada', lastAt: t0 },
        largeChange: false,
        confirmPhrase: 'workers',
        projection: { drainSeconds: 90, capacityPerSec: 40, arrivalPerSec: 30 },
        autoscaler: { enabled: true, min: 1, max: 10 },
        blocked: 'in cooldown',
      },
      {
        nullable: [
          'autoscaler',
          'autoscaler.min',
          'running',
          'bounds.nomadMin',
          'bounds.nomadMax',
          'cooldown.lastBy',
          'cooldown.lastAt',
          'projection',
          'projection.drainSeconds',
          'projection.capacityPerSec',
          'projection.arrivalPerSec',
          'blocked',
        ],
      },
    );
    pinsFields(
      ScaleOutcome,
      {
        auditId: 12,
        job: 'ml',
        group: 'workers',
        from: 4,
        to: 6,
        evalId: 'e-1',
        repeated: false,
        autoscalerPausedUntil: t1,
        checking: 'Nomad did not answer in time; checking',
      },
      { optional: ['autoscalerPausedUntil', 'checking'] },
    );
    pinsFields(
      StageSeries,
      {
        stageId: 'ml-workers',
        fetchedAt: t1,
        error: 'prometheus timed out',
        lines: [{ key: 'p90', label: 'p90 latency', unit: 'ms', points: [{ t: 1_795_340_520, value: 140 }] }],
      },
      { optional: ['error'], nullable: ['fetchedAt', 'lines.0.points.0.value'] },
    );
    pinsFields(Viewer, { name: 'ada', role: 'operator', signedIn: true });
    pinsFields(
      Health,
      { status: 'ok', startedAt: t0, uptimeSec: 720, config: 'loaded', pipeline: 'demo', role: 'leader' },
      { nullable: ['pipeline', 'role'], optional: ['role'] },
    );
  });
});

describe('Snapshot', () => {
  const goldenDir = path.join(here, '../analysis/__golden__');
  const golden = readdirSync(goldenDir).filter((f) => f.endsWith('.json'));

  it('has golden files to check', () => {
    expect(golden.length).toBeGreaterThan(0);
  });

  it.each(golden)('parses %s without losing a field', (file) => {
    const json: unknown = JSON.parse(readFileSync(path.join(goldenDir, file), 'utf8'));
    const parsed = Snapshot.safeParse(json);
    expect(parsed.error?.issues ?? []).toEqual([]);
    // z.object drops fields it does not know: equality means the schema names every field sent.
    expect(parsed.data).toEqual(json);
  });

  it('rejects a snapshot without a source, and keeps a replay', () => {
    const json = JSON.parse(readFileSync(path.join(goldenDir, golden[0]!), 'utf8')) as Snapshot;
    const sources: Partial<Snapshot['sources']> = { ...json.sources };
    delete sources.nomad;
    expect(Snapshot.safeParse({ ...json, sources }).success).toBe(false);
    expect(Snapshot.safeParse({ ...json, endToEnd: { ...json.endToEnd, pMs: 'slow' } }).success).toBe(false);
    const replay = { at: '2026-11-22T09:40:00.000Z', storedAt: '2026-11-22T09:39:58.000Z' };
    expect(Snapshot.parse({ ...json, replay }).replay).toEqual(replay);
  });

  const endToEnd = (pMs: number | null, sloMs: number) => ({
    endToEnd: { pMs, quantile: 0.9, sloMs, explainedMs: 0, unexplainedMs: null },
  });

  it.each([
    { pMs: null, sloMs: 1000, breached: false },
    { pMs: null, sloMs: 0, breached: false },
    { pMs: 999, sloMs: 1000, breached: false },
    { pMs: 1000, sloMs: 1000, breached: false },
    { pMs: 1000.5, sloMs: 1000, breached: true },
    { pMs: 1001, sloMs: 1000, breached: true },
    { pMs: 0, sloMs: 0, breached: false },
  ])('isSloBreached: p $pMs ms against an SLO of $sloMs ms is breached: $breached', ({ pMs, sloMs, breached }) => {
    expect(isSloBreached(endToEnd(pMs, sloMs))).toBe(breached);
  });

  it('isSloBreached: above the SLO by any amount is a breach, at or below it or unknown is not', () => {
    const ms = fc.double({ noNaN: true, min: 0, max: 10_000 });
    const others = fc.record({
      quantile: fc.constantFrom(0.5, 0.9, 0.99),
      explainedMs: ms,
      unexplainedMs: fc.option(ms),
    });
    fc.assert(
      fc.property(ms, fc.double({ noNaN: true, min: 0.001, max: 10_000 }), others, (sloMs, delta, rest) => {
        expect(isSloBreached({ endToEnd: { ...rest, sloMs, pMs: sloMs + delta } })).toBe(true);
        expect(isSloBreached({ endToEnd: { ...rest, sloMs, pMs: Math.max(0, sloMs - delta) } })).toBe(false);
        expect(isSloBreached({ endToEnd: { ...rest, sloMs, pMs: sloMs } })).toBe(false);
        expect(isSloBreached({ endToEnd: { ...rest, sloMs, pMs: null } })).toBe(false);
      }),
      runs,
    );
    expect(
      isSloBreached({ endToEnd: { pMs: 1000, quantile: 0.9, sloMs: 1000, explainedMs: 0, unexplainedMs: 0 } }),
    ).toBe(false);
  });
});

describe('incident rules', () => {
  /** Who may go where: a resolved incident may be reopened, a dismissed suggestion taken after all. */
  const moves: Record<IncidentStatus, IncidentStatus[]> = {
    suggested: ['investigating', 'dismissed'],
    investigating: ['mitigated', 'resolved'],
    mitigated: ['investigating', 'resolved'],
    resolved: ['investigating'],
    dismissed: ['investigating'],
  };

  it.each(statuses)('from %s, the allowed moves are the table', (from) => {
    expect(allowedMoves(from)).toEqual(moves[from]);
    for (const to of statuses) expect(canMove(from, to), `${from} -> ${to}`).toBe(moves[from].includes(to));
  });

  it('no status moves to itself, and every status can be reached', () => {
    for (const s of statuses) expect(canMove(s, s), s).toBe(false);
    for (const to of statuses.filter((s) => s !== 'suggested')) {
      expect(
        statuses.some((from) => canMove(from, to)),
        to,
      ).toBe(true);
    }
    // A suggestion is only ever made by warroom, never moved back into.
    expect(statuses.some((from) => canMove(from, 'suggested'))).toBe(false);
  });

  it.each([
    { status: 'suggested', active: true, closed: false, label: 'Suggested' },
    { status: 'investigating', active: true, closed: false, label: 'Investigating' },
    { status: 'mitigated', active: true, closed: false, label: 'Mitigated' },
    { status: 'resolved', active: false, closed: true, label: 'Resolved' },
    { status: 'dismissed', active: false, closed: true, label: 'Dismissed' },
  ] as const)('$status: active $active, closed $closed, shown as $label', ({ status, active, closed, label }) => {
    expect(isActive(status)).toBe(active);
    expect(isClosed(status)).toBe(closed);
    expect(statusLabel[status]).toBe(label);
  });

  it('statusLabel has a label for each status and nothing else', () => {
    expect(Object.keys(statusLabel)).toEqual([...statuses]);
  });

  it('allowedMoves hands out a copy', () => {
    allowedMoves('suggested').push('resolved');
    expect(canMove('suggested', 'resolved')).toBe(false);
  });

  it.each([
    { id: 3, at: undefined, link: '/incidents/3' },
    { id: 3, at: '', link: '/incidents/3' },
    { id: 3, at: '2026-11-22T09:42:00Z', link: '/incidents/3?at=2026-11-22T09%3A42%3A00Z' },
    { id: 3, at: '2026-11-22T09:42:00+02:00', link: '/incidents/3?at=2026-11-22T09%3A42%3A00%2B02%3A00' },
    { id: 12, at: 'a b&c=d#e', link: '/incidents/12?at=a%20b%26c%3Dd%23e' },
  ])('incidentLink($id, $at) is $link', ({ id, at, link }) => {
    expect(incidentLink(id, at)).toBe(link);
  });

  it('incidentLink names the incident and carries any moment through a URL unchanged', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1 }), fc.option(fc.string({ unit: 'grapheme' }), { nil: undefined }), (id, at) => {
        const url = new URL(incidentLink(id, at), 'https://warroom.test');
        expect(url.pathname).toBe(`/incidents/${id}`);
        expect(url.hash).toBe('');
        expect([...url.searchParams.keys()]).toEqual(at ? ['at'] : []);
        if (at) expect(url.searchParams.get('at')).toBe(at);
      }),
      runs,
    );
  });
});

interface Issue {
  path: PropertyKey[];
  message: string;
}
type Case = { name: string; body: unknown } & ({ data: unknown } | { issues: Issue[] });

/** The schema's answer, in the form the tables write it: the data, or each issue's path and message. */
function verdictOf(schema: z.ZodType, body: unknown): { data: unknown } | { issues: Issue[] } {
  const result = schema.safeParse(body);
  if (result.success) return { data: result.data };
  return { issues: result.error.issues.map(({ path, message }) => ({ path, message })) };
}
const expectVerdict = (schema: z.ZodType, c: Case) =>
  expect(verdictOf(schema, c.body)).toEqual('data' in c ? { data: c.data } : { issues: c.issues });

const missingString = 'Invalid input: expected string, received undefined';
const notAnObject = (received: string) => ({
  path: [],
  message: `Invalid input: expected object, received ${received}`,
});
const unknownKey = (key: string) => ({ path: [], message: `Unrecognized key: "${key}"` });
const badSeverity = 'Invalid option: expected one of "sev1"|"sev2"|"sev3"';
const badStatus = 'Invalid option: expected one of "suggested"|"investigating"|"mitigated"|"resolved"|"dismissed"';
const needsReason = { path: ['reason'], message: 'a status change needs a reason (at least 3 characters)' };
const nothingToChange = { path: [], message: 'nothing to change: give status, severity, title or owner' };

describe('input schemas: accepted and rejected bodies, with their messages', () => {
  const title = 'Queue backlog';
  it.each<Case>([
    {
      name: 'trims the title',
      body: { title: ' Queue backlog ', severity: 'sev2' },
      data: { title, severity: 'sev2' },
    },
    {
      name: 'a start with a zone, and a trimmed note',
      body: { title, severity: 'sev1', startedAt: '2026-11-22T09:40:00Z', note: ' first look ' },
      data: { title, severity: 'sev1', startedAt: '2026-11-22T09:40:00Z', note: 'first look' },
    },
    {
      name: 'a start with an offset and fractions, an empty note',
      body: { title, severity: 'sev3', startedAt: '2026-11-22T09:40:00.123+02:00', note: '' },
      data: { title, severity: 'sev3', startedAt: '2026-11-22T09:40:00.123+02:00', note: '' },
    },
    {
      name: 'fractions beyond milliseconds, a negative offset',
      body: { title, severity: 'sev1', startedAt: '2026-11-22T09:40:00.123456-05:30' },
      data: { title, severity: 'sev1', startedAt: '2026-11-22T09:40:00.123456-05:30' },
    },
    {
      name: 'the limits count after trimming',
      body: { title: ` ${x(200)} `, severity: 'sev1', note: ` ${x(5000)} ` },
      data: { title: x(200), severity: 'sev1', note: x(5000) },
    },
    {
      name: 'nothing',
      body: {},
      issues: [
        { path: ['title'], message: missingString },
        { path: ['severity'], message: badSeverity },
      ],
    },
    {
      name: 'a blank title',
      body: { title: '   ', severity: 'sev1' },
      issues: [{ path: ['title'], message: 'must not be empty' }],
    },
    {
      name: 'a long title',
      body: { title: x(201), severity: 'sev1' },
      issues: [{ path: ['title'], message: 'at most 200 characters' }],
    },
    {
      name: 'a title not text',
      body: { title: 5, severity: 'sev1' },
      issues: [{ path: ['title'], message: 'Invalid input: expected string, received number' }],
    },
    { name: 'sev4', body: { title, severity: 'sev4' }, issues: [{ path: ['severity'], message: badSeverity }] },
    { name: 'SEV1', body: { title, severity: 'SEV1' }, issues: [{ path: ['severity'], message: badSeverity }] },
    ...[
      '2026-11-22T09:40:00',
      '2026-11-22',
      '2026-11-22T09:40:00+0200',
      '2026-11-22T09:40:00z',
      '2026-11-22T09:40Z',
    ].map((startedAt) => ({
      name: `a start of ${startedAt}`,
      body: { title, severity: 'sev1', startedAt },
      issues: [{ path: ['startedAt'], message: 'Invalid ISO datetime' }],
    })),
    {
      name: 'a long note',
      body: { title, severity: 'sev1', note: x(5001) },
      issues: [{ path: ['note'], message: 'at most 5000 characters' }],
    },
    { name: 'an unknown field', body: { title, severity: 'sev1', owner: 'ada' }, issues: [unknownKey('owner')] },
    { name: 'null', body: null, issues: [notAnObject('null')] },
    { name: 'a string', body: 'Slow', issues: [notAnObject('string')] },
    { name: 'an array', body: [], issues: [notAnObject('array')] },
  ])('OpenIncidentInput: $name', (c) => expectVerdict(OpenIncidentInput, c));

  it('OpenIncidentInput: a title is accepted, trimmed, exactly when it has 1 to 200 characters once trimmed', () => {
    const pad = fc.constantFrom('', ' ', '\t', '  \n');
    const titles = fc
      .tuple(pad, fc.oneof(fc.string({ maxLength: 12 }), fc.integer({ min: 197, max: 203 }).map(x)), pad)
      .map((parts) => parts.join(''));
    const seen = { ok: 0, failed: 0 };
    fc.assert(
      fc.property(titles, fc.constantFrom(...severities), (raw, severity) => {
        const trimmed = raw.trim();
        const verdict = verdictOf(OpenIncidentInput, { title: raw, severity });
        if (trimmed.length >= 1 && trimmed.length <= 200) {
          seen.ok++;
          expect(verdict).toEqual({ data: { title: trimmed, severity } });
        } else {
          seen.failed++;
          const message = trimmed.length === 0 ? 'must not be empty' : 'at most 200 characters';
          expect(verdict).toEqual({ issues: [{ path: ['title'], message }] });
        }
      }),
      runs,
    );
    expect(seen.ok).toBeGreaterThan(10);
    expect(seen.failed).toBeGreaterThan(10);
  });

  it.each<Case>([
    { name: 'a severity', body: { severity: 'sev1' }, data: { severity: 'sev1' } },
    { name: 'a trimmed title', body: { title: ' Renamed ' }, data: { title: 'Renamed' } },
    { name: 'a trimmed owner', body: { owner: ' ada ' }, data: { owner: 'ada' } },
    {
      name: 'a status with a trimmed reason',
      body: { status: 'mitigated', reason: ' scaled the workers ' },
      data: { status: 'mitigated', reason: 'scaled the workers' },
    },
    {
      name: 'a status with a reason of 3 characters',
      body: { status: 'resolved', reason: 'abc' },
      data: { status: 'resolved', reason: 'abc' },
    },
    {
      name: 'an empty reason without a status change',
      body: { severity: 'sev3', reason: '' },
      data: { severity: 'sev3', reason: '' },
    },
    {
      name: 'a reason of 2000 characters once trimmed',
      body: { status: 'investigating', reason: ` ${x(2000)} ` },
      data: { status: 'investigating', reason: x(2000) },
    },
    { name: 'nothing', body: {}, issues: [nothingToChange] },
    { name: 'a reason alone', body: { reason: 'because' }, issues: [nothingToChange] },
    { name: 'a status without a reason', body: { status: 'resolved' }, issues: [needsReason] },
    {
      name: 'a status with a reason of 2 characters',
      body: { status: 'resolved', reason: ' ab ' },
      issues: [needsReason],
    },
    { name: 'a status with an empty reason', body: { status: 'resolved', reason: '' }, issues: [needsReason] },
    {
      name: 'a status with a blank title',
      body: { status: 'resolved', title: ' ' },
      issues: [{ path: ['title'], message: 'must not be empty' }, needsReason],
    },
    {
      name: 'a status with an unknown field',
      body: { status: 'resolved', reason: 'x', extra: 1 },
      issues: [unknownKey('extra'), needsReason],
    },
    {
      name: 'an unknown status',
      body: { status: 'closed', reason: 'abc' },
      issues: [{ path: ['status'], message: badStatus }],
    },
    {
      name: 'an unknown status, no reason',
      body: { status: 'closed' },
      issues: [{ path: ['status'], message: badStatus }],
    },
    {
      name: 'an empty owner',
      body: { owner: '' },
      issues: [{ path: ['owner'], message: 'Too small: expected string to have >=1 characters' }],
    },
    {
      name: 'a blank owner',
      body: { owner: '  ' },
      issues: [{ path: ['owner'], message: 'Too small: expected string to have >=1 characters' }],
    },
    {
      name: 'a long owner',
      body: { owner: x(65) },
      issues: [{ path: ['owner'], message: 'Too big: expected string to have <=64 characters' }],
    },
    { name: 'a blank title', body: { title: '  ' }, issues: [{ path: ['title'], message: 'must not be empty' }] },
    { name: 'a long title', body: { title: x(201) }, issues: [{ path: ['title'], message: 'at most 200 characters' }] },
    { name: 'sev0', body: { severity: 'sev0' }, issues: [{ path: ['severity'], message: badSeverity }] },
    { name: 'an unknown field', body: { severity: 'sev1', extra: 1 }, issues: [unknownKey('extra')] },
    {
      name: 'a long reason',
      body: { status: 'investigating', reason: x(2001) },
      issues: [{ path: ['reason'], message: 'at most 2000 characters' }],
    },
    { name: 'null', body: null, issues: [notAnObject('null')] },
  ])('UpdateIncidentInput: $name', (c) => expectVerdict(UpdateIncidentInput, c));

  it('UpdateIncidentInput: a status change needs a reason of at least 3 characters once trimmed', () => {
    const pad = fc.constantFrom('', ' ', '  ', '\n');
    const reasons = fc.option(
      fc.tuple(pad, fc.string({ maxLength: 6 }), pad).map((parts) => parts.join('')),
      { nil: undefined },
    );
    const seen = { ok: 0, failed: 0 };
    fc.assert(
      fc.property(fc.constantFrom(...statuses), reasons, (status, reason) => {
        const verdict = verdictOf(UpdateIncidentInput, reason === undefined ? { status } : { status, reason });
        if (reason !== undefined && reason.trim().length >= 3) {
          seen.ok++;
          expect(verdict).toEqual({ data: { status, reason: reason.trim() } });
        } else {
          seen.failed++;
          expect(verdict).toEqual({ issues: [needsReason] });
        }
      }),
      runs,
    );
    expect(seen.ok).toBeGreaterThan(10);
    expect(seen.failed).toBeGreaterThan(10);
  });

  it.each<Case>([
    { name: 'a trimmed body', body: { body: ' looked at the queue ' }, data: { body: 'looked at the queue' } },
    { name: '5000 characters', body: { body: x(5000) }, data: { body: x(5000) } },
    { name: 'nothing', body: {}, issues: [{ path: ['body'], message: missingString }] },
    { name: 'a blank body', body: { body: ' ' }, issues: [{ path: ['body'], message: 'must not be empty' }] },
    { name: 'a long body', body: { body: x(5001) }, issues: [{ path: ['body'], message: 'at most 5000 characters' }] },
    {
      name: 'a body not text',
      body: { body: 3 },
      issues: [{ path: ['body'], message: 'Invalid input: expected string, received number' }],
    },
    { name: 'an unknown field', body: { body: 'seen', author: 'ada' }, issues: [unknownKey('author')] },
    { name: 'a string', body: 'seen', issues: [notAnObject('string')] },
  ])('NoteInput: $name', (c) => expectVerdict(NoteInput, c));

  const group = { job: 'ml', group: 'workers' };
  const countIssue = (message: string) => [{ path: ['count'], message }];
  it.each<Case>([
    { name: 'no workers', body: { ...group, count: 0 }, data: { ...group, count: 0 } },
    {
      name: 'the limits',
      body: { job: x(200), group: 'w', count: 10_000 },
      data: { job: x(200), group: 'w', count: 10_000 },
    },
    {
      name: 'names are not trimmed',
      body: { job: ' ', group: 'workers', count: 1 },
      data: { job: ' ', group: 'workers', count: 1 },
    },
    { name: 'a negative count', body: { ...group, count: -1 }, issues: countIssue('count cannot be negative') },
    { name: 'a fraction', body: { ...group, count: 1.5 }, issues: countIssue('count must be a whole number') },
    {
      name: 'a negative fraction',
      body: { ...group, count: -0.5 },
      issues: countIssue('count must be a whole number'),
    },
    { name: 'too many', body: { ...group, count: 10_001 }, issues: countIssue('count is unreasonably large') },
    { name: 'far too many', body: { ...group, count: 1e12 }, issues: countIssue('count is unreasonably large') },
    {
      name: 'a count as text',
      body: { ...group, count: '3' },
      issues: countIssue('Invalid input: expected number, received string'),
    },
    {
      name: 'NaN',
      body: { ...group, count: Number.NaN },
      issues: countIssue('Invalid input: expected number, received NaN'),
    },
    {
      name: 'an empty job',
      body: { job: '', group: 'workers', count: 1 },
      issues: [{ path: ['job'], message: 'Too small: expected string to have >=1 characters' }],
    },
    {
      name: 'a long group',
      body: { job: 'ml', group: x(201), count: 1 },
      issues: [{ path: ['group'], message: 'Too big: expected string to have <=200 characters' }],
    },
    {
      name: 'nothing',
      body: {},
      issues: [
        { path: ['job'], message: missingString },
        { path: ['group'], message: missingString },
        { path: ['count'], message: 'Invalid input: expected number, received undefined' },
      ],
    },
    { name: 'a field of the scale body', body: { ...group, count: 1, reason: 'x' }, issues: [unknownKey('reason')] },
  ])('ScalePreviewInput: $name', (c) => expectVerdict(ScalePreviewInput, c));

  it('ScalePreviewInput: a count is a whole number from 0 to 10000', () => {
    const counts = fc.oneof(
      fc.integer({ min: -20_000, max: 20_000 }),
      fc.integer({ min: -20_000, max: 20_000 }).map((n) => n + 0.5),
    );
    fc.assert(
      fc.property(counts, (count) => {
        const verdict = verdictOf(ScalePreviewInput, { ...group, count });
        if (!Number.isInteger(count)) expect(verdict).toEqual({ issues: countIssue('count must be a whole number') });
        else if (count < 0) expect(verdict).toEqual({ issues: countIssue('count cannot be negative') });
        else if (count > 10_000) expect(verdict).toEqual({ issues: countIssue('count is unreasonably large') });
        else expect(verdict).toEqual({ data: { ...group, count } });
      }),
      runs,
    );
  });

  const scale = { ...group, count: 4, reason: 'need more capacity', idempotencyKey: 'k-123456' };
  it.each<Case>([
    { name: 'the required fields', body: scale, data: scale },
    {
      name: 'every field, the reason trimmed',
      body: { ...scale, reason: ' backlog grows ', expectedModifyIndex: 1, overrideCooldown: true, confirm: 'workers' },
      data: { ...scale, reason: 'backlog grows', expectedModifyIndex: 1, overrideCooldown: true, confirm: 'workers' },
    },
    {
      name: 'the limits',
      body: { ...scale, reason: ` ${x(500)} `, idempotencyKey: x(100), confirm: x(200), overrideCooldown: false },
      data: { ...scale, reason: x(500), idempotencyKey: x(100), confirm: x(200), overrideCooldown: false },
    },
    {
      name: 'a reason of 2 characters once trimmed',
      body: { ...scale, reason: ' ab ' },
      issues: [{ path: ['reason'], message: 'give a reason (at least 3 characters)' }],
    },
    {
      name: 'a long reason',
      body: { ...scale, reason: x(501) },
      issues: [{ path: ['reason'], message: 'Too big: expected string to have <=500 characters' }],
    },
    {
      name: 'a short key',
      body: { ...scale, idempotencyKey: 'k-12345' },
      issues: [{ path: ['idempotencyKey'], message: 'Too small: expected string to have >=8 characters' }],
    },
    {
      name: 'a long key',
      body: { ...scale, idempotencyKey: x(101) },
      issues: [{ path: ['idempotencyKey'], message: 'Too big: expected string to have <=100 characters' }],
    },
    {
      name: 'a modify index of 0',
      body: { ...scale, expectedModifyIndex: 0 },
      issues: [{ path: ['expectedModifyIndex'], message: 'Too small: expected number to be >0' }],
    },
    {
      name: 'a fractional modify index',
      body: { ...scale, expectedModifyIndex: 1.5 },
      issues: [{ path: ['expectedModifyIndex'], message: 'Invalid input: expected int, received number' }],
    },
    {
      name: 'a modify index as text',
      body: { ...scale, expectedModifyIndex: '3' },
      issues: [{ path: ['expectedModifyIndex'], message: 'Invalid input: expected number, received string' }],
    },
    {
      name: 'an override as text',
      body: { ...scale, overrideCooldown: 'yes' },
      issues: [{ path: ['overrideCooldown'], message: 'Invalid input: expected boolean, received string' }],
    },
    {
      name: 'a long confirmation',
      body: { ...scale, confirm: x(201) },
      issues: [{ path: ['confirm'], message: 'Too big: expected string to have <=200 characters' }],
    },
    {
      name: 'an autoscaler pause under 5 minutes',
      body: { ...scale, pauseAutoscalerMinutes: 4 },
      issues: [{ path: ['pauseAutoscalerMinutes'], message: 'pause the autoscaler for at least 5 minutes' }],
    },
    {
      name: 'an autoscaler pause over 4 hours',
      body: { ...scale, pauseAutoscalerMinutes: 241 },
      issues: [{ path: ['pauseAutoscalerMinutes'], message: 'pause the autoscaler for at most 240 minutes' }],
    },
    { name: "the preview's rules", body: { ...scale, count: -1 }, issues: countIssue('count cannot be negative') },
    { name: 'an unknown field', body: { ...scale, extra: 1 }, issues: [unknownKey('extra')] },
    {
      name: 'a preview body',
      body: { ...group, count: 4 },
      issues: [
        { path: ['reason'], message: missingString },
        { path: ['idempotencyKey'], message: missingString },
      ],
    },
  ])('ScaleInput: $name', (c) => expectVerdict(ScaleInput, c));

  it.each<Case>([
    { name: 'nothing', body: {}, data: {} },
    {
      name: 'parameters meant for others are dropped',
      body: { limit: '20', outcome: 'refused', actor: 'ada', from: 'x' },
      data: { actor: 'ada', outcome: 'refused', limit: 20 },
    },
    { name: 'a limit with spaces', body: { limit: ' 7 ' }, data: { limit: 7 } },
    { name: 'a limit in exponent form', body: { limit: '1e2' }, data: { limit: 100 } },
    { name: 'a limit in hexadecimal', body: { limit: '0x10' }, data: { limit: 16 } },
    { name: 'a limit as a number', body: { limit: 3 }, data: { limit: 3 } },
    {
      name: 'the longest names',
      body: { actor: x(64), job: x(200), group: x(200) },
      data: { actor: x(64), job: x(200), group: x(200) },
    },
    ...['', '0'].map((limit) => ({
      name: `a limit of "${limit}"`,
      body: { limit },
      issues: [{ path: ['limit'], message: 'Too small: expected number to be >=1' }],
    })),
    {
      name: 'a limit of 501',
      body: { limit: '501' },
      issues: [{ path: ['limit'], message: 'Too big: expected number to be <=500' }],
    },
    {
      name: 'a fractional limit',
      body: { limit: '2.5' },
      issues: [{ path: ['limit'], message: 'Invalid input: expected int, received number' }],
    },
    {
      name: 'a limit in words',
      body: { limit: 'ten' },
      issues: [{ path: ['limit'], message: 'Invalid input: expected number, received NaN' }],
    },
    {
      name: 'an unknown outcome',
      body: { outcome: 'done' },
      issues: [
        { path: ['outcome'], message: 'Invalid option: expected one of "pending"|"succeeded"|"failed"|"refused"' },
      ],
    },
    {
      name: 'a long actor',
      body: { actor: x(65) },
      issues: [{ path: ['actor'], message: 'Too big: expected string to have <=64 characters' }],
    },
    {
      name: 'a long job',
      body: { job: x(201) },
      issues: [{ path: ['job'], message: 'Too big: expected string to have <=200 characters' }],
    },
  ])('AuditFilter (a query string: every value arrives as text): $name', (c) => expectVerdict(AuditFilter, c));

  it.each([
    ['1', 1],
    ['42', 42],
    ['1234567890123456', 1_234_567_890_123_456],
    ['9007199254740991', Number.MAX_SAFE_INTEGER],
  ])('IncidentIdParams accepts %s', (id, number) => {
    expect(IncidentIdParams.parse({ id })).toEqual({ id: number });
  });

  it.each(['0', '01', '-1', ' 1', '1 ', '1e3', '0x10', '1.0', '10000000000000000', '', 'abc', x(50)])(
    'IncidentIdParams rejects "%s"',
    (id) => {
      expect(IncidentIdParams.safeParse({ id }).error?.issues.map((i) => i.message)).toEqual([
        `"${id.slice(0, 40)}" is not an incident id`,
      ]);
    },
  );

  it('IncidentIdParams accepts exactly the positive decimals of at most 16 digits, without leading zeros', () => {
    const raw = fc.oneof(
      fc.stringMatching(/^[0-9]{0,18}$/),
      fc.string({ maxLength: 50 }),
      fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER }).map(String),
      fc
        .tuple(fc.constantFrom('0', '-', '+', ' ', ''), fc.integer({ min: 1 }), fc.constantFrom('', ' ', '.0', 'e3'))
        .map(([before, n, after]) => `${before}${n}${after}`),
    );
    const seen = { ok: 0, failed: 0 };
    fc.assert(
      fc.property(raw, (id) => {
        const canonical = /^\d{1,16}$/.test(id) && BigInt(id) > BigInt(0) && String(BigInt(id)) === id;
        const result = IncidentIdParams.safeParse({ id });
        if (canonical) {
          seen.ok++;
          expect(result.data).toEqual({ id: Number(id) });
        } else {
          seen.failed++;
          expect(result.error?.issues.map((i) => i.message)).toEqual([`"${id.slice(0, 40)}" is not an incident id`]);
        }
      }),
      runs,
    );
    expect(seen.ok).toBeGreaterThan(10);
    expect(seen.failed).toBeGreaterThan(10);
    expect(IncidentIdParams.safeParse({}).error?.issues.map((i) => i.message)).toEqual(['not an incident id']);
    expect(IncidentIdParams.safeParse({ id: 5 }).error?.issues.map((i) => i.message)).toEqual(['not an incident id']);
  });
});

describe('query schemas', () => {
  it('AuditFilter coerces the limit and keeps its bounds', () => {
    expect(AuditFilter.parse({})).toEqual({});
    expect(AuditFilter.parse({ limit: '20', outcome: 'refused', actor: 'ada', from: 'x' })).toEqual({
      limit: 20,
      outcome: 'refused',
      actor: 'ada',
    });
    for (const limit of ['1', '500']) expect(AuditFilter.safeParse({ limit }).success).toBe(true);
    for (const limit of ['0', '501', '2.5', 'ten', '-3'])
      expect(AuditFilter.safeParse({ limit }).success, limit).toBe(false);
    expect(AuditFilter.safeParse({ outcome: 'done' }).success).toBe(false);
    expect(AuditFilter.safeParse({ actor: 'a'.repeat(65) }).success).toBe(false);
    expect(AuditFilter.safeParse({ job: 'j'.repeat(200), group: 'g'.repeat(200) }).success).toBe(true);
    expect(AuditFilter.safeParse({ group: 'g'.repeat(201) }).success).toBe(false);
    expect(auditOutcomes).toEqual(AuditOutcome.options);
  });

  it('SeriesQuery needs a stage', () => {
    expect(SeriesQuery.parse({ stage: 'ml-workers', at: '2026-11-22T09:42:00Z' })).toEqual({
      stage: 'ml-workers',
      at: '2026-11-22T09:42:00Z',
    });
    for (const query of [{}, { stage: '' }]) {
      expect(SeriesQuery.safeParse(query).error?.issues.map((i) => i.message)).toEqual([
        'query parameter "stage" is required',
      ]);
    }
  });
});

describe('parseAt', () => {
  const nowMs = Date.parse('2026-11-22T09:42:00.000Z');
  const example = 'such as 2026-11-22T09:42:00Z';
  const empty = `at is empty: give a time ${example}`;
  const notIso = (raw: string) => `"${raw}" is not an ISO 8601 time with a zone, ${example}`;

  it.each([
    { raw: '2026-11-22T09:42:00Z', at: '2026-11-22T09:42:00.000Z' },
    { raw: '2026-11-22T09:42Z', at: '2026-11-22T09:42:00.000Z' },
    { raw: '2026-11-22T09:41:59.5Z', at: '2026-11-22T09:41:59.500Z' },
    { raw: '2026-11-22T11:42:00+02:00', at: '2026-11-22T09:42:00.000Z' },
    { raw: '2026-11-22T04:12:00.123-05:30', at: '2026-11-22T09:42:00.123Z' },
    { raw: ' 2026-11-22T09:40:00Z\n', at: '2026-11-22T09:40:00.000Z' },
    { raw: '2026-11-22T09:42:01Z', at: '2026-11-22T09:42:01.000Z' },
    { raw: '1970-01-01T00:00:00.000Z', at: '1970-01-01T00:00:00.000Z' },
  ])('accepts $raw as $at', ({ raw, at }) => {
    expect(parseAt(raw, nowMs)).toEqual({ ok: true, at: new Date(at) });
  });

  it.each([
    { raw: null, message: empty },
    { raw: '', message: empty },
    { raw: ' \t ', message: empty },
    { raw: '2026-11-22T09:42:00', message: notIso('2026-11-22T09:42:00') },
    { raw: '2026-11-22', message: notIso('2026-11-22') },
    { raw: '2026-11-22T09:42:00+0200', message: notIso('2026-11-22T09:42:00+0200') },
    { raw: '2026-11-22T09:42:00z', message: notIso('2026-11-22T09:42:00z') },
    { raw: '2026-11-22T09:42:00.1234Z', message: notIso('2026-11-22T09:42:00.1234Z') },
    { raw: 'yesterday', message: notIso('yesterday') },
    { raw: ` ${x(99)}`, message: notIso(` ${x(59)}`) },
    { raw: '2026-13-01T00:00Z', message: '"2026-13-01T00:00Z" is not a valid time' },
    { raw: '2026-11-22T25:00Z', message: '"2026-11-22T25:00Z" is not a valid time' },
    { raw: '2026-11-22T09:60Z', message: '"2026-11-22T09:60Z" is not a valid time' },
    { raw: '2026-11-22T09:42:01.001Z', message: '2026-11-22T09:42:01.001Z is in the future' },
    { raw: '2026-11-22T11:43:00+02:00', message: '2026-11-22T09:43:00.000Z is in the future' },
    { raw: '0000-01-01T00:00Z', message: '0000-01-01T00:00:00.000Z is before 1970: nothing was recorded then' },
    { raw: '1969-12-31T23:59:59.999Z', message: '1969-12-31T23:59:59.999Z is before 1970: nothing was recorded then' },
  ])('refuses $raw: $message', ({ raw, message }) => {
    expect(parseAt(raw, nowMs)).toEqual({ ok: false, message });
  });

  const past = fc.date({ min: new Date('1970-01-01T00:00:00.000Z'), max: new Date(nowMs), noInvalidDate: true });
  const ancient = fc.date({
    min: new Date('0000-01-01T00:00:00.000Z'),
    max: new Date('1969-12-31T23:59:59.999Z'),
    noInvalidDate: true,
  });

  it('accepts every Date#toISOString() of a time up to now, as that time, with Z or +00:00', () => {
    fc.assert(
      fc.property(past, fc.constantFrom('Z', '+00:00'), (date, zone) => {
        const raw = date.toISOString().replace(/Z$/, zone);
        expect(parseAt(raw, nowMs)).toEqual({ ok: true, at: date });
      }),
      runs,
    );
  });

  it('refuses every time more than a second ahead', () => {
    const future = fc.date({
      min: new Date(nowMs + 1001),
      max: new Date('9999-12-31T23:59:59.999Z'),
      noInvalidDate: true,
    });
    fc.assert(
      fc.property(future, (date) => {
        const iso = date.toISOString();
        expect(parseAt(iso, nowMs)).toEqual({ ok: false, message: `${iso} is in the future` });
      }),
      runs,
    );
  });

  it('never throws, and answers a time not ahead of now or one of its five sentences', () => {
    const sentences = {
      empty: /^at is empty: give a time such as 2026-11-22T09:42:00Z$/,
      notIso: /^"[^]{0,60}" is not an ISO 8601 time with a zone, such as 2026-11-22T09:42:00Z$/,
      invalid: /^"[^]{0,60}" is not a valid time$/,
      future: /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z is in the future$/,
      tooOld: /^(-\d{6}|\d{4})-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z is before 1970: nothing was recorded then$/,
    };
    const around = fc.date({
      min: new Date(nowMs - 86_400_000),
      max: new Date(nowMs + 86_400_000),
      noInvalidDate: true,
    });
    const nearIso = fc
      .tuple(
        fc.oneof(past, around, ancient),
        fc.integer({ min: 0, max: 24 }),
        fc.constantFrom('Z', '+02:00', '-05:30', '+0200', 'z', ''),
      )
      .map(([d, cut, zone]) => `${d.toISOString().slice(0, cut)}${zone}`);
    const two = (n: number) => String(n).padStart(2, '0');
    const digits = fc
      .tuple(
        fc.integer({ min: 0, max: 13 }),
        fc.integer({ min: 0, max: 32 }),
        fc.integer({ min: 0, max: 25 }),
        fc.integer({ min: 0, max: 61 }),
      )
      .map(([mo, d, h, mi]) => `2026-${two(mo)}-${two(d)}T${two(h)}:${two(mi)}Z`);
    const raw = fc.oneof(fc.string({ maxLength: 80 }), nearIso, digits, fc.constantFrom(null, '', '   '));
    const seen = { ok: 0, refused: new Set<string>() };
    fc.assert(
      fc.property(raw, (value) => {
        const result = parseAt(value, nowMs);
        if (result.ok) {
          seen.ok++;
          expect(Number.isNaN(result.at.getTime())).toBe(false);
          expect(result.at.getTime()).toBeLessThanOrEqual(nowMs + 1000);
        } else {
          const kinds = Object.entries(sentences).filter(([, sentence]) => sentence.test(result.message));
          expect(kinds, result.message).toHaveLength(1);
          seen.refused.add(kinds[0]![0]);
        }
      }),
      { numRuns: 1000 },
    );
    expect(seen.ok).toBeGreaterThan(10);
    // Every kind of refusal was exercised.
    expect([...seen.refused].sort()).toEqual(['empty', 'future', 'invalid', 'notIso', 'tooOld']);
  });
});

describe('errors', () => {
  it('every code has a status, and a body', () => {
    expect(Object.keys(statusFor).sort()).toEqual([...ErrorCode.options].sort());
    for (const code of ErrorCode.options) {
      expect(ErrorBody.parse({ error: { code, message: 'why' } })).toEqual({ error: { code, message: 'why' } });
      expect(statusFor[code] >= 400 && statusFor[code] <= 599, code).toBe(true);
    }
    expect(statusFor).toEqual({
      invalid: 400,
      unauthenticated: 401,
      forbidden: 403,
      not_found: 404,
      method_not_allowed: 405,
      conflict: 409,
      cooldown: 409,
      payload_too_large: 413,
      rate_limited: 429,
      upstream: 502,
      not_configured: 503,
      store_unavailable: 503,
      unavailable: 503,
    });
  });

  it.each([
    ['invalid', 400],
    ['unauthenticated', 401],
    ['forbidden', 403],
    ['not_found', 404],
    ['conflict', 409],
    ['cooldown', 409],
    ['upstream', 502],
    ['not_configured', 503],
  ])('keeps the status actions answered %s with: %i', (code, status) => {
    expect(ErrorCode.safeParse(code).success, code).toBe(true);
    expect(statusFor[code as ErrorCode]).toBe(status);
  });

  it('rejects an unknown code or a body without a message', () => {
    expect(ErrorBody.safeParse({ error: { code: 'teapot', message: 'no' } }).success).toBe(false);
    expect(ErrorBody.safeParse({ error: { code: 'invalid' } }).success).toBe(false);
    expect(ErrorBody.safeParse({ code: 'invalid', message: 'flat' }).success).toBe(false);
  });
});

describe('small contracts', () => {
  it('Change is discriminated on topic', () => {
    expect(Change.parse({ topic: 'incident', incidentId: 3 })).toEqual({ topic: 'incident', incidentId: 3 });
    expect(Change.parse({ topic: 'timeline', at: '2026-11-22T09:42:00.000Z' }).topic).toBe('timeline');
    expect(Change.safeParse({ topic: 'incident', at: '2026-11-22T09:42:00.000Z' }).success).toBe(false);
    expect(Change.safeParse({ topic: 'audit' }).success).toBe(false);
  });

  it('roles, viewer, health, kinds', () => {
    // Weakest first: each role may do what the ones before it may.
    expect(roles).toEqual(['viewer', 'operator', 'admin']);
    expect(Viewer.safeParse({ name: 'ada', role: 'root', signedIn: true }).success).toBe(false);
    expect(
      Health.parse({ status: 'ok', startedAt: 't', uptimeSec: 1, config: 'missing', pipeline: null, extra: 1 }),
    ).toEqual({ status: 'ok', startedAt: 't', uptimeSec: 1, config: 'missing', pipeline: null });
    expect(TimelineEventKind.options).toEqual([...timelineEventKinds]);
    expect(AuditList.safeParse({ entries: [] }).success).toBe(true);
  });
});

describe('localPath', () => {
  it.each([
    ['/incidents/4?at=2026-11-22T09:42:00Z', '/incidents/4?at=2026-11-22T09:42:00Z'],
    ['/', '/'],
    ['/audit#top', '/audit#top'],
    [null, '/'],
    ['', '/'],
    ['https://evil.example/', '/'],
    ['//evil.example', '/'],
    ['/\\evil.example', '/'],
    ['/\\/evil.example', '/'],
    ['/\t/evil.example', '/'],
    ['/\n/evil.example', '/'],
    ['javascript:alert(1)', '/'],
    ['evil.example', '/'],
  ])('%j -> %j', (raw, expected) => {
    expect(localPath(raw)).toBe(expected);
  });

  it('only ever answers a path that stays on this origin, whatever it is given', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string(),
          fc.webUrl(),
          fc.string().map((s) => `/${s}`),
          fc.constantFrom('/\\', '//', '/%5C', '/%2F%2F', '/\t/', '/.//'),
        ),
        (raw) => {
          const out = localPath(raw);
          expect(out.startsWith('/')).toBe(true);
          expect(new URL(out, 'http://warroom.invalid').origin).toBe('http://warroom.invalid');
          // What a browser would do with it: the same origin too.
          expect(new URL(out.replace(/\\/g, '/'), 'http://warroom.invalid').origin).toBe('http://warroom.invalid');
        },
      ),
      { numRuns: 1000 },
    );
  });
});
