import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dashboardUrl, repoRoot, stackLayout, stackSecrets } from '../../scripts/stack';
import { readPid } from '../../scripts/stack/processes';
import { nomadFetch, scaleGroup, waitFor } from '../../scripts/testing/demo-client';
import { postAs, signIn } from '../../scripts/testing/dashboard-client';
import { pipelineProcesses } from '../../scripts/stack/pipeline';
import { JobScaleStatusSchema } from '../sources/nomad/schemas';

/**
 * The scale action through the real dashboard, the real store and the Nomad stand-in: every
 * guard, the audit trail, and a property test that random bodies never cause a 500 or a scale
 * outside the bounds.
 */
const layout = stackLayout('test');
const target = { job: 'api', group: 'reply-consumer' };
let operator: string;
let viewer: string;
let admin: string;

async function groupStatus() {
  const s = JobScaleStatusSchema.parse(await (await nomadFetch(layout, '/v1/job/api/scale')).json());
  return s.TaskGroups['reply-consumer']!;
}

async function auditEntries(cookie: string) {
  const res = await fetch(`${dashboardUrl(layout)}/api/audit?limit=500`, { headers: { cookie } });
  expect(res.status).toBe(200);
  return ((await res.json()) as { entries: Array<Record<string, unknown>> }).entries;
}

const key = () => crypto.randomUUID();

beforeAll(async () => {
  await scaleGroup(layout, 'api', 'reply-consumer', 3, 'test setup');
  [operator, viewer, admin] = await Promise.all([
    signIn(layout, 'operator'),
    signIn(layout, 'viewer'),
    signIn(layout, 'admin'),
  ]);
  // An earlier run may have scaled this group moments ago: let its cooldown (30 s) run out.
  await waitFor(
    async () =>
      (await (await postAs(layout, operator, '/api/actions/scale/preview', { ...target, count: 5 })).json()) as {
        cooldown: { remainingSec: number };
      },
    (p) => p.cooldown.remainingSec === 0,
    40_000,
    'the cooldown of an earlier run to end',
  );
});
afterAll(async () => {
  const pid = readPid(pipelineProcesses(layout).nomad);
  if (pid) process.kill(pid, 'SIGCONT');
  await scaleGroup(layout, 'api', 'reply-consumer', 3, 'test teardown');
});

describe('who may scale', () => {
  it('refuses without a session (401), to a viewer (403) and from another origin (403)', async () => {
    const body = { ...target, count: 4, reason: 'test', idempotencyKey: key() };
    expect((await postAs(layout, null, '/api/actions/scale', body)).status).toBe(401);
    const asViewer = await postAs(layout, viewer, '/api/actions/scale', body);
    expect(asViewer.status).toBe(403);
    expect(await asViewer.json()).toEqual({
      error: { code: 'forbidden', message: 'scaling needs the operator role; victor is a viewer' },
    });
    const crossSite = await postAs(layout, operator, '/api/actions/scale', body, { origin: 'http://evil.example' });
    expect(crossSite.status).toBe(403);
    expect((await groupStatus()).Desired).toBe(3);
  });
});

describe('bad input', () => {
  it.each([
    [{ count: -1 }, 400, 'count cannot be negative'],
    [{ count: 2.5 }, 400, 'count must be a whole number'],
    [{ count: 1e9 }, 400, 'count is unreasonably large'],
    [{ count: 'ten' }, 400, 'count'],
    [{ count: 51 }, 400, "outside warroom's limits for api/reply-consumer: 1-50"],
    [{ count: 0 }, 400, "outside warroom's limits"],
    [{ count: 4, reason: '' }, 400, 'give a reason'],
    [{ count: 4, job: 'nope' }, 404, 'nope/reply-consumer is not a scale target'],
  ])('%j -> %i, no call to Nomad', async (change, status, message) => {
    const eventsBefore = (await groupStatus()).Events?.length ?? 0;
    const res = await postAs(
      layout,
      operator,
      '/api/actions/scale',
      Object.assign({ ...target, count: 4, reason: 'testing bad input', idempotencyKey: key() }, change),
    );
    expect(res.status).toBe(status);
    expect(((await res.json()) as { error: { message: string } }).error.message).toContain(message);
    expect((await groupStatus()).Events?.length ?? 0).toBe(eventsBefore);
  });

  it('a body that is not JSON is a 400', async () => {
    const res = await postAs(layout, operator, '/api/actions/scale', '{not json');
    expect(res.status).toBe(400);
  });
});

describe('scaling', () => {
  it('previews, scales once for a double submit, records who and why, then holds the cooldown', async () => {
    const preview = await postAs(layout, operator, '/api/actions/scale/preview', { ...target, count: 5 });
    expect(preview.status).toBe(200);
    const p = (await preview.json()) as {
      current: number;
      to: number;
      bounds: { min: number; max: number };
      jobModifyIndex: number;
      largeChange: boolean;
    };
    expect(p).toMatchObject({ current: 3, to: 5, bounds: { min: 1, max: 50 }, largeChange: false });

    const eventsBefore = (await groupStatus()).Events?.length ?? 0;
    const body = {
      ...target,
      count: 5,
      reason: 'reply queue starving',
      idempotencyKey: key(),
      expectedModifyIndex: p.jobModifyIndex,
    };
    const [first, second] = await Promise.all([
      postAs(layout, operator, '/api/actions/scale', body),
      postAs(layout, operator, '/api/actions/scale', body),
    ]);
    const statuses = [first.status, second.status].sort();
    // One of the pair scales; the other either repeats its result or is told it is in progress.
    expect(statuses[0]).toBe(200);
    expect([200, 409]).toContain(statuses[1]);
    const again = await postAs(layout, operator, '/api/actions/scale', body);
    expect(again.status).toBe(200);
    expect(await again.json()).toMatchObject({ from: 3, to: 5, repeated: true });
    const status = await groupStatus();
    expect(status.Desired).toBe(5);
    expect(status.Events!.length).toBe(eventsBefore + 1);
    expect(status.Events![0]!.Message).toBe('warroom: olivia: reply queue starving');

    const rows = (await auditEntries(viewer)).filter((r) => r.idempotencyKey === body.idempotencyKey);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      actor: 'olivia',
      actorRole: 'operator',
      job: 'api',
      group: 'reply-consumer',
      from: 3,
      to: 5,
      reason: 'reply queue starving',
      outcome: 'succeeded',
    });
    expect(rows[0]!.evalId).toBe(status.Events![0]!.EvalID);

    const cooldown = await postAs(layout, operator, '/api/actions/scale', {
      ...target,
      count: 6,
      reason: 'more',
      idempotencyKey: key(),
    });
    expect(cooldown.status).toBe(409);
    expect(((await cooldown.json()) as { error: { code: string } }).error.code).toBe('cooldown');
    const operatorOverride = await postAs(layout, operator, '/api/actions/scale', {
      ...target,
      count: 6,
      reason: 'more',
      idempotencyKey: key(),
      overrideCooldown: true,
    });
    expect(operatorOverride.status).toBe(403);
    const adminOverride = await postAs(layout, admin, '/api/actions/scale', {
      ...target,
      count: 6,
      reason: 'admin override',
      idempotencyKey: key(),
      overrideCooldown: true,
    });
    expect(adminOverride.status).toBe(200);
    expect((await auditEntries(admin))[0]).toMatchObject({
      actor: 'ada',
      cooldownOverride: true,
      outcome: 'succeeded',
    });
  });

  it('reports a change made elsewhere since the preview as a conflict, and wants large changes confirmed', async () => {
    const p = (await (await postAs(layout, admin, '/api/actions/scale/preview', { ...target, count: 7 })).json()) as {
      jobModifyIndex: number;
    };
    await scaleGroup(layout, 'api', 'reply-consumer', 4, 'someone else, in the Nomad UI');
    const stale = await postAs(layout, admin, '/api/actions/scale', {
      ...target,
      count: 7,
      reason: 'x-check',
      idempotencyKey: key(),
      expectedModifyIndex: p.jobModifyIndex,
      overrideCooldown: true,
    });
    expect(stale.status).toBe(409);
    expect((await groupStatus()).Desired).toBe(4);
    const large = { ...target, count: 20, reason: 'big jump', overrideCooldown: true };
    const unconfirmed = await postAs(layout, admin, '/api/actions/scale', { ...large, idempotencyKey: key() });
    expect(unconfirmed.status).toBe(400);
    expect(((await unconfirmed.json()) as { error: { message: string } }).error.message).toContain(
      'type the group name "reply-consumer" to confirm',
    );
    const confirmed = await postAs(layout, admin, '/api/actions/scale', {
      ...large,
      idempotencyKey: key(),
      confirm: 'reply-consumer',
    });
    expect(confirmed.status).toBe(200);
    expect((await groupStatus()).Desired).toBe(20);
  });

  it('answers 502 when Nomad does not answer, and the audit row says so', async () => {
    const pid = readPid(pipelineProcesses(layout).nomad)!;
    process.kill(pid, 'SIGSTOP');
    try {
      const body = {
        ...target,
        count: 8,
        reason: 'while Nomad is down',
        idempotencyKey: key(),
        overrideCooldown: true,
      };
      const res = await postAs(layout, admin, '/api/actions/scale', body);
      expect(res.status).toBe(502);
      expect(((await res.json()) as { error: { message: string } }).error.message).toMatch(/^Nomad: /);
      const row = (await auditEntries(admin)).find((r) => r.idempotencyKey === body.idempotencyKey);
      expect(row).toMatchObject({ outcome: 'failed', actor: 'ada', reason: 'while Nomad is down' });
      expect(row!.error).toMatch(/^Nomad: /);
    } finally {
      process.kill(pid, 'SIGCONT');
    }
  });
});

describe('random bodies', () => {
  it('never answer 500 and never scale outside the bounds', async () => {
    const count = fc.oneof(
      fc.integer({ min: -5, max: 70 }),
      fc.double(),
      fc.string(),
      fc.constant(null),
      fc.constant(1e12),
    );
    const body = fc.oneof(
      fc.anything(),
      fc.record(
        {
          job: fc.oneof(fc.constant('api'), fc.string()),
          group: fc.oneof(fc.constant('reply-consumer'), fc.string()),
          count,
          reason: fc.string(),
          idempotencyKey: fc.string(),
          expectedModifyIndex: fc.anything(),
          overrideCooldown: fc.boolean(),
          confirm: fc.string(),
        },
        { requiredKeys: [] },
      ),
    );
    await fc.assert(
      fc.asyncProperty(body, async (b) => {
        const res = await postAs(layout, admin, '/api/actions/scale', JSON.stringify(b) ?? 'undefined');
        expect(res.status).not.toBe(500);
        expect([200, 400, 403, 404, 409, 502]).toContain(res.status);
        const desired = (await groupStatus()).Desired;
        expect(desired).toBeGreaterThanOrEqual(1);
        expect(desired).toBeLessThanOrEqual(50);
      }),
      { numRuns: 80 },
    );
  });
});

describe('secrets', () => {
  it('appear in no response and in no file of the browser bundle', async () => {
    const s = stackSecrets(layout);
    const config = readFileSync(path.join(layout.stateDir, 'warroom.yaml'), 'utf8');
    const hashes = [...config.matchAll(/passwordHash: "([^"]+)"/g)].map((m) => m[1]!);
    const secrets = [
      s.rabbitPassword,
      s.nomadToken,
      s.postgresPassword,
      s.sessionSecret,
      s.users.admin,
      s.users.operator,
      s.users.viewer,
      ...hashes,
      ...hashes.map((h) => h.split('$')[2]!),
    ];
    expect(hashes).toHaveLength(3);
    const base = dashboardUrl(layout);
    const pages = [
      '/',
      '/audit',
      '/sign-in',
      '/api/topology',
      '/api/health',
      '/api/series?stage=reply-queue',
      '/api/audit',
      '/api/metrics',
    ];
    const bodies: string[] = [];
    for (const p of pages) bodies.push(await (await fetch(`${base}${p}`, { headers: { cookie: admin } })).text());
    const html = bodies[0]!;
    for (const src of new Set([...html.matchAll(/<script[^>]+src="([^"]+)"/g)].map((m) => m[1]!)))
      bodies.push(await (await fetch(new URL(src, base))).text());
    const walk = (dir: string): string[] =>
      readdirSync(dir).flatMap((f) =>
        statSync(path.join(dir, f)).isDirectory() ? walk(path.join(dir, f)) : [path.join(dir, f)],
      );
    for (const file of walk(path.join(repoRoot, '.next', 'static'))) bodies.push(readFileSync(file, 'utf8'));
    for (const secret of secrets) {
      expect(secret.length).toBeGreaterThan(8);
      for (const body of bodies) expect(body.includes(secret), `a secret leaked (${secret.slice(0, 3)}…)`).toBe(false);
    }
  });
});
