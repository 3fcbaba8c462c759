import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { User } from '../auth/authenticate';
import { parseConfig } from '../config/load-config';
import type { Role } from '../contracts/viewer';
import type { NomadClient } from '../sources/nomad/client';
import type { NomadJob, NomadScaleRequest } from '../sources/nomad/schemas';
import { auditLog, type AuditLog } from '../store/audit-log';
import { openDb, type Db } from '../store/db';
import { checkScale, executeScale, previewScale, type ScaleDeps } from './scale';

/**
 * The preview and the execution of a scale share one check: whatever the configuration, the
 * group's state in Nomad, the cooldown and the caller, the preview's verdict is the execution's.
 * The audit log is the real one (PGlite); Nomad is a recording double here (the stand-in and its
 * HTTP API are exercised by the integration tests).
 */
let dir: string;
let db: Db;
let audit: AuditLog;

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'warroom-scale-'));
  db = await openDb({ dataDir: dir });
  audit = auditLog(db);
}, 60_000);

afterAll(async () => {
  await db.close();
  rmSync(dir, { recursive: true, force: true });
});

interface Case {
  limits: { min: number; max: number; cooldownSec: number };
  factor: number;
  group: { count: number; nomadMin: number | null; nomadMax: number | null; index: number };
  /** How long ago this group was last scaled, or null for never. */
  lastAgoSec: number | null;
  role: Role;
  count: number;
  configured: boolean;
}

const caseArb: fc.Arbitrary<Case> = fc.record({
  limits: fc
    .tuple(fc.integer({ min: 0, max: 20 }), fc.integer({ min: 0, max: 40 }), fc.integer({ min: 0, max: 120 }))
    .map(([a, b, cooldownSec]) => ({ min: Math.min(a, b), max: Math.max(1, a, b), cooldownSec })),
  factor: fc.constantFrom(1.5, 2, 3),
  group: fc.record({
    count: fc.integer({ min: 0, max: 40 }),
    nomadMin: fc.option(fc.integer({ min: 0, max: 10 })),
    nomadMax: fc.option(fc.integer({ min: 5, max: 45 })),
    index: fc.integer({ min: 1, max: 1000 }),
  }),
  lastAgoSec: fc.option(fc.integer({ min: 0, max: 300 })),
  role: fc.constantFrom<Role>('viewer', 'operator', 'admin'),
  count: fc.integer({ min: 0, max: 50 }),
  configured: fc.boolean(),
});

let run = 0;

/** A fresh job per case, so that earlier cases' audit rows do not count toward its cooldown. */
async function setUp(c: Case) {
  const job = `job-${++run}`;
  const target = { job, group: 'workers', ...c.limits };
  const config = parseConfig(
    JSON.stringify({
      auth: { sessionSecret: 's'.repeat(32), anonymousRead: true },
      actions: { scale: { largeChangeFactor: c.factor, targets: c.configured ? [target] : [] } },
      pipeline: { name: 'p', endToEnd: { latency: { p90: 'x' }, sloMs: 3000 }, stages: [{ id: 'a', kind: 'service' }] },
      sources: {},
    }),
    'test.yaml',
    {},
  );
  let clockMs = Date.now();
  if (c.lastAgoSec !== null) {
    const row = await audit.begin({
      actor: 'earlier',
      actorRole: 'operator',
      action: 'scale',
      job,
      group: 'workers',
      to: c.group.count,
      reason: 'an earlier change',
      cooldownOverride: false,
      idempotencyKey: `earlier-${run}`,
    });
    await audit.complete(row!.id, { outcome: 'succeeded', from: 1, evalId: 'e0' });
    clockMs = Date.parse((await audit.lastSucceeded(job, 'workers'))!.completedAt!) + c.lastAgoSec * 1000;
  }
  const scaled: NomadScaleRequest[] = [];
  const nomadJob = {
    ID: job,
    Name: job,
    Namespace: 'default',
    Type: 'service',
    Status: 'running',
    Version: 1,
    CreateIndex: 1,
    ModifyIndex: c.group.index,
    JobModifyIndex: c.group.index,
    TaskGroups: [
      {
        Name: 'workers',
        Count: c.group.count,
        Scaling:
          c.group.nomadMin === null && c.group.nomadMax === null
            ? null
            : { Min: c.group.nomadMin ?? undefined, Max: c.group.nomadMax ?? undefined, Enabled: true },
      },
    ],
  } as unknown as NomadJob;
  const nomad = {
    job: async (id: string) => (id === job ? { ok: true, value: nomadJob } : { ok: false, error: 'Nomad: HTTP 404' }),
    latestDeployment: async () => ({ ok: true, value: null }),
    scale: async (_id: string, request: NomadScaleRequest) => {
      scaled.push(request);
      return { ok: true, value: { EvalID: 'e1', EvalCreateIndex: 1, JobModifyIndex: 1, Index: 1 }, status: 200 };
    },
  } as unknown as NomadClient;
  const deps: ScaleDeps = { config, nomad, audit, nowMs: () => clockMs };
  return { job, deps, scaled };
}

const userOf = (role: Role): User => ({ name: 'someone', role, via: 'session' });

describe('scale preview and execution', () => {
  it("agree: the preview's verdict is the execution's, for any configuration, group state, cooldown and caller", async () => {
    await fc.assert(
      fc.asyncProperty(caseArb, async (c) => {
        const { job, deps, scaled } = await setUp(c);
        const request = { job, group: 'workers', count: c.count };
        const preview = await previewScale(deps, { role: c.role }, request);
        const executed = await executeScale(deps, userOf(c.role), {
          ...request,
          reason: 'property test',
          idempotencyKey: `key-${run}-abcdef`,
          ...(preview.ok ? { expectedModifyIndex: preview.value.jobModifyIndex } : {}),
          ...(preview.ok && preview.value.largeChange ? { confirm: 'workers' } : {}),
        });
        if (!preview.ok) {
          expect(executed).toEqual(preview);
        } else if (preview.value.blocked !== null) {
          expect(executed.ok).toBe(false);
          if (!executed.ok) expect(executed.error.message).toBe(preview.value.blocked);
          expect(scaled).toEqual([]);
        } else {
          expect(executed).toMatchObject({ ok: true, value: { from: c.group.count, to: c.count } });
          expect(scaled.map((s) => s.Count)).toEqual([c.count]);
        }
      }),
      { numRuns: 150 },
    );
  }, 120_000);

  it('a large change is refused until the group is named, and then made once', async () => {
    const c: Case = {
      limits: { min: 1, max: 50, cooldownSec: 0 },
      factor: 2,
      group: { count: 3, nomadMin: null, nomadMax: null, index: 7 },
      lastAgoSec: null,
      role: 'operator',
      count: 30,
      configured: true,
    };
    const { job, deps, scaled } = await setUp(c);
    const preview = await previewScale(deps, { role: 'operator' }, { job, group: 'workers', count: 30 });
    expect(preview).toMatchObject({ ok: true, value: { largeChange: true, blocked: null } });
    const base = { job, group: 'workers', count: 30, reason: 'big jump', expectedModifyIndex: 7 };
    const unconfirmed = await executeScale(deps, userOf('operator'), { ...base, idempotencyKey: 'large-unconfirmed' });
    expect(unconfirmed).toMatchObject({ ok: false, error: { code: 'invalid' } });
    expect(scaled).toEqual([]);
    const confirmed = await executeScale(deps, userOf('operator'), {
      ...base,
      idempotencyKey: 'large-confirmed',
      confirm: 'workers',
    });
    expect(confirmed).toMatchObject({ ok: true, value: { from: 3, to: 30 } });
    expect(scaled.map((s) => s.Count)).toEqual([30]);
  });

  it('checks in order: target, limits, cooldown, Nomad bounds, modify index, current count', () => {
    const facts = {
      target: { job: 'j', group: 'g', min: 1, max: 10, cooldownSec: 60 },
      largeChangeFactor: 2,
      group: { count: 4, nomadMin: 2, nomadMax: 8, jobModifyIndex: 5, deployment: null, autoscaler: null },
      lastSucceeded: { actor: 'ada', atMs: 0 },
      nowMs: 10_000,
    };
    const req = { job: 'j', group: 'g', role: 'operator' as const };
    expect(checkScale({ ...facts, target: undefined }, { ...req, count: 5 }).blocked?.code).toBe('not_found');
    expect(checkScale(facts, { ...req, count: 11 }).blocked?.message).toContain("outside warroom's limits");
    expect(checkScale(facts, { ...req, count: 9 }).blocked?.code).toBe('cooldown');
    const cool = { ...facts, lastSucceeded: null };
    expect(checkScale(cool, { ...req, count: 9 }).blocked?.message).toContain('Nomad scaling maximum 8');
    expect(checkScale(cool, { ...req, count: 1 }).blocked?.message).toContain('Nomad scaling minimum 2');
    expect(checkScale(cool, { ...req, count: 6, expectedModifyIndex: 4 }).blocked?.code).toBe('conflict');
    const deploying = { ...cool, group: { ...cool.group, deployment: { id: 'd1', status: 'running', version: 3 } } };
    expect(checkScale(deploying, { ...req, count: 6 }).blocked).toMatchObject({
      code: 'conflict',
      message: expect.stringContaining('a deployment of j (version 3) is running'),
    });
    expect(checkScale(cool, { ...req, count: 4 }).blocked?.message).toContain('already runs 4');
    expect(checkScale(cool, { ...req, count: 6 })).toMatchObject({ blocked: null, min: 2, max: 8, largeChange: false });
    expect(checkScale(cool, { ...req, count: 0 }).blocked?.message).toContain("outside warroom's limits");
    expect(checkScale(facts, { ...req, count: 6, overrideCooldown: true }).blocked?.code).toBe('forbidden');
    expect(checkScale(facts, { ...req, role: 'admin', count: 6, overrideCooldown: true }).blocked).toBeNull();
  });
});
