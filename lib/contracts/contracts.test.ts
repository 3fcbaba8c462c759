import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, expectTypeOf, it } from 'vitest';
import type { z } from 'zod';
// The hand-written definitions these contracts replace, frozen at 6e1ad81 (see the file's comment).
import * as old from './__legacy__/head';
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
  Severity,
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
  SourceStatus,
  StageKind,
  StageSnapshot,
  UnmonitoredQueue,
} from './snapshot';
import { parseAt } from './time';
import { TimelineEntry, TimelineEvent, TimelineEventKind, timelineEventKinds } from './timeline';
import { Role, roles, Viewer } from './viewer';

const here = import.meta.dirname;
const runs = { numRuns: 300 };

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

describe('inferred types equal the hand-written ones they replace', () => {
  it('snapshot', () => {
    expectTypeOf<StageKind>().toEqualTypeOf<old.StageKind>();
    expectTypeOf<SourceName>().toEqualTypeOf<old.SourceName>();
    expectTypeOf<SourceStatus>().toEqualTypeOf<old.SourceStatus>();
    expectTypeOf<UnmonitoredQueue>().toEqualTypeOf<old.UnmonitoredQueue>();
    expectTypeOf<StageSnapshot>().toEqualTypeOf<old.StageSnapshot>();
    expectTypeOf<Recommendation>().toEqualTypeOf<old.Recommendation>();
    expectTypeOf<Bottleneck>().toEqualTypeOf<old.Bottleneck>();
    expectTypeOf<Insight>().toEqualTypeOf<old.Insight>();
    // `replay` is new: the old type had it only on replayed snapshots (lib/history/replay.ts).
    expectTypeOf<Omit<Snapshot, 'replay'>>().toEqualTypeOf<old.Snapshot>();
    type Replayed = Extract<old.Replay, { ok: true }>['snapshot'];
    expectTypeOf<NonNullable<Snapshot['replay']>>().toEqualTypeOf<Replayed['replay']>();
  });

  it('timeline, audit, incidents', () => {
    expectTypeOf<TimelineEventKind>().toEqualTypeOf<old.TimelineEventKind>();
    expectTypeOf<TimelineEvent>().toEqualTypeOf<old.TimelineEvent>();
    expectTypeOf<TimelineEntry>().toEqualTypeOf<old.TimelineEntry>();
    expectTypeOf<AuditOutcome>().toEqualTypeOf<old.AuditOutcome>();
    expectTypeOf<AuditRow>().toEqualTypeOf<old.AuditRow>();
    expectTypeOf<AuditFilter>().toEqualTypeOf<z.infer<typeof old.Filter>>();
    expectTypeOf<Severity>().toEqualTypeOf<old.Severity>();
    expectTypeOf<IncidentStatus>().toEqualTypeOf<old.IncidentStatus>();
    expectTypeOf<IncidentLogKind>().toEqualTypeOf<old.IncidentLogKind>();
    expectTypeOf<Incident>().toEqualTypeOf<old.Incident>();
    expectTypeOf<IncidentLogEntry>().toEqualTypeOf<old.IncidentLogEntry>();
    // The same but for the worst moment's snapshot, which may now say it is a replay (it never is).
    expectTypeOf<Omit<IncidentDetail, 'worst'>>().toEqualTypeOf<Omit<old.IncidentDetail, 'worst'>>();
    type Worst<T extends { worst: { at: string; snapshot: object } | null }> = NonNullable<T['worst']>;
    expectTypeOf<Omit<Worst<IncidentDetail>, 'snapshot'>>().toEqualTypeOf<
      Omit<Worst<old.IncidentDetail>, 'snapshot'>
    >();
    expectTypeOf<Omit<Worst<IncidentDetail>['snapshot'], 'replay'>>().toEqualTypeOf<
      Worst<old.IncidentDetail>['snapshot']
    >();
    expectTypeOf<IncidentDetail['worst']>().toExtend<object | null>();
    expectTypeOf<null>().toExtend<IncidentDetail['worst']>();
    expectTypeOf<OpenIncidentInput>().toEqualTypeOf<z.infer<typeof old.OpenIncidentInput>>();
    expectTypeOf<UpdateIncidentInput>().toEqualTypeOf<z.infer<typeof old.UpdateIncidentInput>>();
    expectTypeOf<NoteInput>().toEqualTypeOf<z.infer<typeof old.NoteInput>>();
  });

  it('scale, series, change, viewer, health, errors', () => {
    expectTypeOf<ScalePreviewInput>().toEqualTypeOf<z.infer<typeof old.ScalePreviewInput>>();
    expectTypeOf<ScaleInput>().toEqualTypeOf<z.infer<typeof old.ScaleInput>>();
    expectTypeOf<ScalePreview>().toEqualTypeOf<old.ScalePreview>();
    expectTypeOf<ScaleOutcome>().toEqualTypeOf<old.ScaleOutcome>();
    expectTypeOf<SeriesLine>().toEqualTypeOf<old.SeriesLine>();
    expectTypeOf<StageSeries>().toEqualTypeOf<old.StageSeries>();
    expectTypeOf<Change>().toEqualTypeOf<old.Change>();
    expectTypeOf<Role>().toEqualTypeOf<old.Role>();
    expectTypeOf<Viewer>().toEqualTypeOf<NonNullable<Awaited<ReturnType<typeof old.viewerOf>>>>();
    expectTypeOf<Health>().toEqualTypeOf<ReturnType<typeof old.appHealth>>();
    expectTypeOf<old.ActionErrorCode>().toExtend<ErrorCode>();
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

  it('isSloBreached follows breached', () => {
    const ms = fc.oneof(fc.integer({ min: 0, max: 3000 }), fc.double({ noNaN: true, min: 0, max: 3000 }));
    const endToEnd = fc.record({
      pMs: fc.option(ms, { nil: null }),
      quantile: fc.constantFrom(0.5, 0.9, 0.95, 0.99),
      sloMs: ms,
      explainedMs: ms,
      unexplainedMs: fc.option(ms, { nil: null }),
    });
    let seen = 0;
    fc.assert(
      fc.property(endToEnd, (e) => {
        expect(isSloBreached({ endToEnd: e })).toBe(old.breached({ endToEnd: e }));
        if (old.breached({ endToEnd: e })) seen++;
      }),
      runs,
    );
    expect(seen).toBeGreaterThan(0);
    expect(
      isSloBreached({ endToEnd: { pMs: 1000, quantile: 0.9, sloMs: 1000, explainedMs: 0, unexplainedMs: 0 } }),
    ).toBe(false);
  });
});

describe('incident rules', () => {
  it('are the old ones, for every status', () => {
    expect(severities).toEqual(old.severities);
    expect(statuses).toEqual(old.statuses);
    expect(statusLabel).toEqual(old.statusLabel);
    for (const from of statuses) {
      expect(isActive(from)).toBe(old.isActive(from));
      expect(isClosed(from)).toBe(old.isClosed(from));
      expect(allowedMoves(from)).toEqual(old.allowedMoves(from));
      for (const to of statuses) expect(canMove(from, to)).toBe(old.canMove(from, to));
    }
  });

  it('allowedMoves hands out a copy', () => {
    allowedMoves('suggested').push('resolved');
    expect(canMove('suggested', 'resolved')).toBe(false);
  });

  it('incidentLink is the old link', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1 }), fc.option(fc.string(), { nil: undefined }), (id, at) => {
        expect(incidentLink(id, at)).toBe(old.incidentLink(id, at));
      }),
      runs,
    );
  });
});

/**
 * Same verdict, same data, same issues (paths and messages) from the old schema and the new one;
 * counts both outcomes so that a generator that only ever fails (or passes) shows up.
 */
function sameVerdicts(oldSchema: z.ZodType, newSchema: z.ZodType, bodies: fc.Arbitrary<unknown>) {
  const seen = { ok: 0, failed: 0 };
  fc.assert(
    fc.property(bodies, (body) => {
      const before = oldSchema.safeParse(body);
      const after = newSchema.safeParse(body);
      expect(after.success).toBe(before.success);
      if (before.success) {
        seen.ok++;
        expect(after.data).toEqual(before.data);
      } else {
        seen.failed++;
        expect(after.error?.issues).toEqual(before.error.issues);
      }
    }),
    runs,
  );
  expect(seen.ok).toBeGreaterThan(10);
  expect(seen.failed).toBeGreaterThan(10);
}

/** Strings around a length limit, padded with spaces (trimmed or not, depending on the field). */
const nearLength = (max: number) =>
  fc
    .tuple(fc.constantFrom('', ' ', '  '), fc.integer({ min: max - 2, max: max + 2 }), fc.constantFrom('', ' '))
    .map(([before, n, after]) => `${before}${'x'.repeat(n)}${after}`);
const text = (max: number) =>
  fc.oneof(
    { arbitrary: fc.string({ maxLength: 12 }), weight: 3 },
    { arbitrary: fc.string({ minLength: 3, maxLength: 12 }).map((t) => ` w${t}w `), weight: 3 },
    { arbitrary: fc.constantFrom('', ' ', '   ', ' ab ', '\tx\n', 'abc'), weight: 2 },
    { arbitrary: nearLength(max), weight: 2 },
    { arbitrary: fc.oneof(fc.integer(), fc.constant(null), fc.boolean()), weight: 1 },
  );
const oneOf = <T>(values: readonly T[], wrong: unknown[]) =>
  fc.oneof({ arbitrary: fc.constantFrom(...values), weight: 5 }, { arbitrary: fc.constantFrom(...wrong), weight: 1 });
/**
 * Bodies: mostly with the required fields (`required`) and any of the others, some with any subset,
 * a few with an unknown field, a few not an object at all.
 */
const body = (fields: Record<string, fc.Arbitrary<unknown>>, required: string[] = []) =>
  fc.oneof(
    {
      arbitrary: fc
        .tuple(
          fc.oneof(
            { arbitrary: fc.record(fields, { requiredKeys: required }), weight: 3 },
            { arbitrary: fc.record(fields, { requiredKeys: [] }), weight: 1 },
          ),
          fc.integer({ min: 0, max: 9 }),
        )
        .map(([r, n]) => (n === 0 ? { ...r, extra: 1 } : r)),
      weight: 9,
    },
    { arbitrary: fc.anything(), weight: 1 },
  );
const isoTime = fc
  .tuple(
    fc.date({ min: new Date('2000-01-01T00:00:00Z'), max: new Date('2099-12-31T23:59:59Z'), noInvalidDate: true }),
    fc.constantFrom('Z', '+02:00', '-05:30', 'Z', '+0200', 'z', ''),
    fc.constantFrom('millis', 'seconds', 'millis', 'seconds', 'minutes', 'date'),
  )
  .map(([d, zone, precision]) => {
    const iso = d.toISOString();
    const cut = { millis: 23, seconds: 19, minutes: 16, date: 10 }[precision];
    return `${iso.slice(0, cut)}${zone}`;
  });

describe('input schemas give the old verdicts', () => {
  it('OpenIncidentInput', () => {
    sameVerdicts(
      old.OpenIncidentInput,
      OpenIncidentInput,
      body(
        {
          title: text(200),
          severity: oneOf(severities, ['sev4', 'SEV1', 1, null]),
          startedAt: fc.oneof(isoTime, fc.string({ maxLength: 8 })),
          note: fc.oneof(text(5000), nearLength(5000)),
        },
        ['title', 'severity'],
      ),
    );
  });

  it('UpdateIncidentInput', () => {
    sameVerdicts(
      old.UpdateIncidentInput,
      UpdateIncidentInput,
      body({
        status: oneOf(statuses, ['closed', '', 3]),
        severity: oneOf(severities, ['sev0', false]),
        title: text(200),
        owner: text(64),
        reason: fc.oneof(text(2000), fc.constantFrom('ab', ' ab ', 'abc', '  abc  ')),
      }),
    );
  });

  it('NoteInput', () => {
    sameVerdicts(old.NoteInput, NoteInput, body({ body: text(5000) }, ['body']));
  });

  const count = fc.oneof(
    { arbitrary: fc.integer({ min: -2, max: 20 }), weight: 6 },
    { arbitrary: fc.integer({ min: 9_998, max: 10_002 }), weight: 2 },
    { arbitrary: fc.constantFrom(1.5, -0.5, 1e12, Number.NaN, '3', null), weight: 1 },
  );
  const name = fc.oneof(
    { arbitrary: fc.string({ minLength: 1, maxLength: 10 }), weight: 6 },
    { arbitrary: fc.oneof(fc.constant(''), nearLength(200), fc.constant(7)), weight: 1 },
  );

  it('ScalePreviewInput', () => {
    sameVerdicts(
      old.ScalePreviewInput,
      ScalePreviewInput,
      body({ job: name, group: name, count }, ['job', 'group', 'count']),
    );
  });

  it('ScaleInput', () => {
    const fields = {
      job: name,
      group: name,
      count,
      reason: fc.oneof(text(500), fc.constantFrom('need more capacity', ' ab ', '  abc ')),
      idempotencyKey: fc.oneof(
        { arbitrary: fc.string({ minLength: 8, maxLength: 20 }), weight: 4 },
        { arbitrary: fc.oneof(fc.string({ maxLength: 7 }), nearLength(100)), weight: 1 },
      ),
      expectedModifyIndex: fc.oneof(
        { arbitrary: fc.integer({ min: -1, max: 50 }), weight: 4 },
        { arbitrary: fc.constantFrom(1.5, '3'), weight: 1 },
      ),
      overrideCooldown: fc.oneof(
        { arbitrary: fc.boolean(), weight: 4 },
        { arbitrary: fc.constantFrom('yes', 1), weight: 1 },
      ),
      confirm: fc.oneof(fc.string({ maxLength: 10 }), nearLength(200)),
    };
    const bodies = body(fields, ['job', 'group', 'count', 'reason', 'idempotencyKey']);
    sameVerdicts(old.ScaleInput, ScaleInput, bodies);
  });

  it('AuditFilter (a query string: every value arrives as text)', () => {
    sameVerdicts(
      old.Filter,
      AuditFilter,
      body({
        actor: fc.oneof(fc.string({ maxLength: 10 }), nearLength(64)),
        job: fc.oneof(fc.string({ maxLength: 10 }), nearLength(200)),
        group: fc.oneof(fc.string({ maxLength: 10 }), nearLength(200)),
        outcome: oneOf(auditOutcomes, ['done', '', 'PENDING']),
        limit: fc.oneof(
          fc.integer({ min: -2, max: 502 }).map(String),
          fc.constantFrom('', ' 7 ', '2.5', '1e2', 'ten', '0x10'),
        ),
      }),
    );
  });

  it('IncidentIdParams accepts the ids parseIncidentId accepts, as the same numbers', () => {
    const raw = fc.oneof(
      fc.stringMatching(/^[0-9]{0,18}$/),
      fc.string({ maxLength: 50 }),
      fc.constantFrom('0', '01', '-1', ' 1', '1 ', '1e3', '0x10', '9999999999999999', '10000000000000000'),
    );
    let accepted = 0;
    fc.assert(
      fc.property(raw, (id) => {
        const before = old.parseIncidentId(id);
        const after = IncidentIdParams.safeParse({ id });
        expect(after.success).toBe(before !== null);
        if (after.success) {
          accepted++;
          expect(after.data.id).toBe(before);
        } else {
          expect(after.error.issues.map((i) => i.message)).toEqual([`"${id.slice(0, 40)}" is not an incident id`]);
        }
      }),
      runs,
    );
    expect(accepted).toBeGreaterThan(10);
    expect(old.parseIncidentId(undefined)).toBeNull();
    expect(IncidentIdParams.safeParse({}).error?.issues.map((i) => i.message)).toEqual(['not an incident id']);
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
  it('gives the old results', () => {
    const nowMs = Date.parse('2026-11-22T09:42:00.000Z');
    const near = fc
      .integer({ min: -5_000, max: 5_000 })
      .map((offsetMs) => new Date(nowMs + offsetMs).toISOString().replace(/\.000Z$/, 'Z'));
    const digits = fc
      .tuple(
        fc.integer({ min: 1990, max: 2100 }),
        fc.integer({ min: 0, max: 13 }),
        fc.integer({ min: 0, max: 32 }),
        fc.integer({ min: 0, max: 25 }),
        fc.integer({ min: 0, max: 61 }),
      )
      .map(([y, mo, d, h, mi]) => {
        const two = (n: number) => String(n).padStart(2, '0');
        return `${y}-${two(mo)}-${two(d)}T${two(h)}:${two(mi)}Z`;
      });
    const raw = fc.oneof(
      isoTime,
      near,
      digits,
      fc.string({ maxLength: 80 }),
      fc.tuple(fc.constantFrom(' ', '\n', ''), isoTime, fc.constantFrom(' ', '')).map((parts) => parts.join('')),
      fc.constantFrom(null, '', '   '),
    );
    const seen = { ok: 0, failed: new Set<string>() };
    fc.assert(
      fc.property(raw, (value) => {
        const after = parseAt(value, nowMs);
        expect(after).toEqual(old.parseAt(value, nowMs));
        if (after.ok) seen.ok++;
        else seen.failed.add(after.message.replace(/^.*(is in the future|is empty|with a zone|valid time).*$/s, '$1'));
      }),
      { numRuns: 1000 },
    );
    expect(seen.ok).toBeGreaterThan(10);
    // Every kind of refusal was exercised.
    expect([...seen.failed].sort()).toEqual(['is empty', 'is in the future', 'valid time', 'with a zone']);
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

  it('keeps the statuses actions answer with', () => {
    for (const [code, status] of Object.entries(old.statusFor)) {
      expect(ErrorCode.safeParse(code).success, code).toBe(true);
      expect(statusFor[code as ErrorCode]).toBe(status);
    }
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
    expect(roles).toEqual(old.roles);
    expect(Viewer.safeParse({ name: 'ada', role: 'root', signedIn: true }).success).toBe(false);
    expect(
      Health.parse({ status: 'ok', startedAt: 't', uptimeSec: 1, config: 'missing', pipeline: null, extra: 1 }),
    ).toEqual({ status: 'ok', startedAt: 't', uptimeSec: 1, config: 'missing', pipeline: null });
    expect(TimelineEventKind.options).toEqual([...timelineEventKinds]);
    expect(AuditList.safeParse({ entries: [] }).success).toBe(true);
  });
});
