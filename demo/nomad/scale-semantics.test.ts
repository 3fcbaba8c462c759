import { mkdtempSync, rmSync } from 'node:fs';
import type http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { User } from '../../lib/auth/authenticate';
import {
  executeScale,
  previewScale,
  restoreDuePauses,
  settleUnansweredScales,
  unansweredScaleSettleMs,
  type ScaleDeps,
} from '../../lib/actions/scale';
import { parseConfig } from '../../lib/config/load-config';
import { createNomadClient, type NomadClient } from '../../lib/sources/nomad/client';
import { DeploymentSchema, JobSchema, ScaleResponseSchema } from '../../lib/sources/nomad/schemas';
import { auditLog, type AuditLog } from '../../lib/store/audit-log';
import { autoscalerPauses, type AutoscalerPauses } from '../../lib/store/autoscaler-pauses';
import { openDb, type Db } from '../../lib/store/db';
import { Cluster } from './cluster';
import { createNomadApi, type StandinAcl } from './http-api';
import { JobSpecSchema } from './job-spec';

/**
 * The scale action against the stand-in's HTTP API, case by case as real Nomad answers them:
 * the index enforced (EnforceIndex with the index the preview saw), a deployment rolling out, a
 * token that may read but not scale, an unknown token, a job in another namespace, and an answer
 * that never comes (read back, not called failed). The stand-in runs in this process with its
 * own cluster (no allocations are started); the audit log is the real one (PGlite).
 */
const management = 'mgmt-secret-0123456789';
const readOnly = 'read-only-secret-0123456789';
const acl: StandinAcl = [
  { secret: management, namespaces: { '*': null } },
  { secret: readOnly, namespaces: { default: ['read-job'] } },
];

let dir: string;
let db: Db;
let audit: AuditLog;
let cluster: Cluster;
let server: http.Server;
let url: string;

const spec = () =>
  JobSpecSchema.parse({
    ID: 'api',
    Name: 'api',
    Type: 'service',
    TaskGroups: [
      {
        Name: 'reply-consumer',
        Count: 3,
        Scaling: { Min: 1, Max: 64 },
        Tasks: [{ Name: 'consumer', Driver: 'raw_exec', Config: { command: 'true' } }],
      },
    ],
  });

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'warroom-nomad-scale-'));
  db = await openDb({ dataDir: dir });
  audit = auditLog(db);
}, 60_000);

afterAll(async () => {
  await db.close();
  rmSync(dir, { recursive: true, force: true });
});

async function standIn(deploymentMs = 60_000) {
  cluster = new Cluster(deploymentMs);
  cluster.register(spec());
  server = createNomadApi(cluster, acl);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

afterEach(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

function depsFor(options: { token?: string; namespace?: string; nomad?: (c: NomadClient) => NomadClient } = {}) {
  const nomadSource = { url, token: options.token ?? management, namespace: options.namespace ?? 'default' };
  const config = parseConfig(
    JSON.stringify({
      auth: { sessionSecret: 's'.repeat(32), anonymousRead: true },
      actions: {
        scale: {
          largeChangeFactor: 100,
          targets: [{ job: 'api', group: 'reply-consumer', min: 1, max: 50, cooldownSec: 0 }],
        },
      },
      pipeline: { name: 'p', endToEnd: { latency: { p90: 'x' }, sloMs: 3000 }, stages: [{ id: 'a', kind: 'service' }] },
      sources: { nomad: nomadSource },
    }),
    'test.yaml',
    {},
  );
  const client = createNomadClient(nomadSource);
  const deps: ScaleDeps = { config, nomad: options.nomad ? options.nomad(client) : client, audit };
  return deps;
}

const ada: User = { name: 'ada', role: 'admin', via: 'session' };
const target = { job: 'api', group: 'reply-consumer' };
let keys = 0;
const scaleInput = (count: number, extra: Record<string, unknown> = {}) => ({
  ...target,
  count,
  reason: 'semantics test',
  idempotencyKey: `nomad-semantics-${process.pid}-${++keys}`,
  ...extra,
});
const desired = () => cluster.jobs.get('api')!.spec.TaskGroups[0]!.Count;
const rowOf = async (key: string) => (await audit.list({ limit: 500 })).find((r) => r.idempotencyKey === key);

/** Someone else's change through the same API: another scale, or `nomad job run` of a new version. */
async function nomadPost(pathname: string, body: unknown, token = management) {
  return fetch(`${url}${pathname}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'X-Nomad-Token': token },
    body: JSON.stringify(body),
  });
}
async function redeploy() {
  const job = JobSchema.parse(
    await (await fetch(`${url}/v1/job/api`, { headers: { 'X-Nomad-Token': management } })).json(),
  );
  const next = spec();
  next.TaskGroups[0]!.Count = desired();
  next.TaskGroups[0]!.Tasks[0]!.Env = { RELEASE: String(job.Version + 1) };
  const res = await nomadPost('/v1/job/api', { Job: next, EnforceIndex: true, JobModifyIndex: job.JobModifyIndex });
  expect(res.status).toBe(200);
  ScaleResponseSchema.parse(await res.json());
}

describe('the job modify index, enforced', () => {
  it('a change made between the preview and the click is refused as "the job changed since you looked", never overwritten', async () => {
    await standIn();
    const deps = depsFor();
    const preview = await previewScale(deps, ada, { ...target, count: 8 });
    expect(preview.ok).toBe(true);
    if (!preview.ok) return;
    // Someone else scales in between (the Nomad UI, an autoscaler).
    expect((await nomadPost('/v1/job/api/scale', { Count: 5, Target: { Group: 'reply-consumer' } })).status).toBe(200);
    const input = scaleInput(8, { expectedModifyIndex: preview.value.jobModifyIndex });
    const result = await executeScale(deps, ada, input);
    expect(result).toMatchObject({ ok: false, error: { code: 'conflict' } });
    expect(desired()).toBe(5);
    expect(await rowOf(input.idempotencyKey)).toMatchObject({ outcome: 'refused' });
  });

  it('a change that lands while the request is in flight is refused by Nomad itself (EnforceIndex), not applied over it', async () => {
    await standIn();
    // The change lands after warroom read the job and before its scale reaches Nomad.
    const deps = depsFor({
      nomad: (client) => ({
        ...client,
        job: async (id: string) => {
          const read = await client.job(id);
          await nomadPost('/v1/job/api/scale', { Count: 6, Target: { Group: 'reply-consumer' } });
          return read;
        },
      }),
    });
    const input = scaleInput(9);
    const result = await executeScale(deps, ada, input);
    expect(result).toMatchObject({
      ok: false,
      error: { code: 'conflict', message: 'the job changed since you looked; review it again' },
    });
    expect(desired()).toBe(6);
    expect(await rowOf(input.idempotencyKey)).toMatchObject({ outcome: 'refused', from: 3 });
  });

  it('the stand-in ignores an index sent without EnforceIndex, as Nomad does, and enforces it with it', async () => {
    await standIn();
    const stale = cluster.jobs.get('api')!.jobModifyIndex;
    await nomadPost('/v1/job/api/scale', { Count: 4, Target: { Group: 'reply-consumer' } });
    const ignored = await nomadPost('/v1/job/api/scale', {
      Count: 5,
      Target: { Group: 'reply-consumer' },
      JobModifyIndex: stale,
    });
    expect(ignored.status).toBe(200);
    expect(desired()).toBe(5);
    const enforced = await nomadPost('/v1/job/api/scale', {
      Count: 7,
      Target: { Group: 'reply-consumer' },
      JobModifyIndex: stale,
      EnforceIndex: true,
    });
    expect(enforced.status).toBe(500);
    expect(enforced.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(await enforced.text()).toMatch(
      new RegExp(`^Enforcing job modify index ${stale}: job exists with conflicting job modify index: \\d+$`),
    );
    expect(desired()).toBe(5);
    // JobScaleRequest: "If the index is zero, EnforceIndex is ignored."
    const zero = await nomadPost('/v1/job/api/scale', {
      Count: 6,
      Target: { Group: 'reply-consumer' },
      JobModifyIndex: 0,
      EnforceIndex: true,
    });
    expect(zero.status).toBe(200);
    expect(desired()).toBe(6);
  });
});

describe('a deployment rolling out', () => {
  it('is shown by the preview as the reason it cannot scale now, and the scale is refused with it', async () => {
    await standIn();
    await redeploy();
    const deployment = DeploymentSchema.parse(
      await (await fetch(`${url}/v1/job/api/deployment`, { headers: { 'X-Nomad-Token': management } })).json(),
    );
    expect(deployment).toMatchObject({ Status: 'running', JobVersion: 1 });
    const deps = depsFor();
    const preview = await previewScale(deps, ada, { ...target, count: 8 });
    expect(preview.ok && preview.value.blocked).toMatch(/a deployment of api \(version 1\) is running/);
    const input = scaleInput(8);
    expect(await executeScale(deps, ada, input)).toMatchObject({ ok: false, error: { code: 'conflict' } });
    expect(desired()).toBe(3);
    // Nomad's own answer, had warroom asked anyway.
    const direct = await nomadPost('/v1/job/api/scale', { Count: 8, Target: { Group: 'reply-consumer' } });
    expect(direct.status).toBe(400);
    expect(await direct.text()).toBe('job scaling blocked due to active deployment');
  });

  it('no longer blocks once the deployment has finished', async () => {
    await standIn(200);
    await redeploy();
    await new Promise((resolve) => setTimeout(resolve, 400));
    const result = await executeScale(depsFor(), ada, scaleInput(8));
    expect(result).toMatchObject({ ok: true, value: { from: 3, to: 8 } });
    expect(desired()).toBe(8);
  });
});

describe('tokens and namespaces, said as what they are', () => {
  it('a token that may read but not scale: the preview works, the scale says which capability is missing', async () => {
    await standIn();
    const deps = depsFor({ token: readOnly });
    expect((await previewScale(deps, ada, { ...target, count: 8 })).ok).toBe(true);
    const input = scaleInput(8);
    const result = await executeScale(deps, ada, input);
    expect(result).toMatchObject({
      ok: false,
      error: {
        code: 'upstream',
        message: `Nomad refused warroom's token (Permission denied): it needs the scale-job capability in namespace "default"`,
      },
    });
    expect(desired()).toBe(3);
    const row = await rowOf(input.idempotencyKey);
    expect(row).toMatchObject({ outcome: 'refused' });
    expect(JSON.stringify(row)).not.toContain(readOnly);
  });

  it('a token Nomad does not know', async () => {
    await standIn();
    const result = await previewScale(depsFor({ token: 'no-such-token-0123456789' }), ada, { ...target, count: 8 });
    expect(result).toMatchObject({
      ok: false,
      error: {
        code: 'upstream',
        message: `Nomad does not know warroom's token (ACL token not found): check sources.nomad.token`,
      },
    });
  });

  it('a job that is in another namespace than the configured one', async () => {
    await standIn();
    const result = await previewScale(depsFor({ namespace: 'ml' }), ada, { ...target, count: 8 });
    expect(result).toMatchObject({
      ok: false,
      error: { code: 'not_found', message: 'Nomad has no job "api" in namespace "ml"' },
    });
  });
});

describe('an autoscaler policy', () => {
  it("is read from the group's scaling block and shown by the preview; a block without a policy only bounds", async () => {
    await standIn();
    const deps = depsFor();
    const without = await previewScale(deps, ada, { ...target, count: 8 });
    expect(without.ok && without.value.autoscaler).toBeNull();
    for (const enabled of [true, false]) {
      const next = spec();
      next.TaskGroups[0]!.Scaling = { Min: 2, Max: 40, Enabled: enabled, Policy: { cooldown: '1m' } };
      await nomadPost('/v1/job/api', { Job: next });
      cluster.finishDeployment(cluster.latestDeployment('api')!, 'successful', 'done');
      const preview = await previewScale(deps, ada, { ...target, count: 8 });
      expect(preview.ok && preview.value.autoscaler).toEqual({ enabled, min: 2, max: 40 });
    }
  });
});

describe('a timed override of the autoscaler', () => {
  /** The stand-in's job with an enabled autoscaler policy on the group. */
  async function autoscaled() {
    await standIn();
    const next = spec();
    next.TaskGroups[0]!.Scaling = { Min: 1, Max: 64, Enabled: true, Policy: { cooldown: '1m' } };
    await nomadPost('/v1/job/api', { Job: next });
    cluster.finishDeployment(cluster.latestDeployment('api')!, 'successful', 'done');
  }
  const policyEnabled = () => cluster.jobs.get('api')!.spec.TaskGroups[0]!.Scaling!.Enabled;

  it('pauses the policy and scales in one change, then enables the policy again when the pause is over', async () => {
    await autoscaled();
    const pauses = autoscalerPauses(db);
    let nowMs = Date.now();
    const deps = { ...depsFor(), pauses, nowMs: () => nowMs };
    const preview = await previewScale(deps, ada, { ...target, count: 12 });
    expect(preview.ok && preview.value.autoscaler).toEqual({ enabled: true, min: 1, max: 64 });
    const versionBefore = cluster.jobs.get('api')!.version;
    const input = scaleInput(12, {
      pauseAutoscalerMinutes: 30,
      expectedModifyIndex: preview.ok ? preview.value.jobModifyIndex : 0,
    });
    const result = await executeScale(deps, ada, input);
    expect(result).toMatchObject({ ok: true, value: { from: 3, to: 12 } });
    const until = result.ok ? result.value.autoscalerPausedUntil! : '';
    expect(Date.parse(until) - nowMs).toBe(30 * 60_000);
    // One registration did both: never the count without the pause, or the pause without the count.
    expect(cluster.jobs.get('api')!.version).toBe(versionBefore + 1);
    expect(desired()).toBe(12);
    expect(policyEnabled()).toBe(false);
    const row = await rowOf(input.idempotencyKey);
    expect(row).toMatchObject({ action: 'scale-pausing-autoscaler', outcome: 'succeeded', from: 3, to: 12 });
    expect(await pauses.active('api', 'reply-consumer')).toMatchObject({ auditId: row!.id, restoreAt: until });

    // Not before its time...
    nowMs += 29 * 60_000;
    expect(await restoreDuePauses(deps)).toBe(0);
    expect(policyEnabled()).toBe(false);
    // ...then enabled again, the count kept, audited as warroom's.
    nowMs += 2 * 60_000;
    expect(await restoreDuePauses(deps)).toBe(1);
    expect(policyEnabled()).toBe(true);
    expect(desired()).toBe(12);
    expect(await pauses.active('api', 'reply-consumer')).toBeNull();
    const restore = (await audit.list({ limit: 500 })).find(
      (r) => r.action === 'restore-autoscaler' && r.reason.includes(`audit #${row!.id}`),
    );
    expect(restore).toMatchObject({ actor: 'warroom', outcome: 'succeeded', from: 12, to: 12 });
    expect(await restoreDuePauses(deps)).toBe(0);
  });

  it('refuses a pause where no enabled policy exists', async () => {
    await standIn();
    const pauses = autoscalerPauses(db);
    const noPolicy = await executeScale({ ...depsFor(), pauses }, ada, scaleInput(6, { pauseAutoscalerMinutes: 10 }));
    expect(noPolicy).toMatchObject({
      ok: false,
      error: { code: 'invalid', message: expect.stringContaining('no enabled autoscaler policy') },
    });
  });

  it('refuses a pause over a job changed since the preview: nothing paused, nothing scaled', async () => {
    const pauses = autoscalerPauses(db);
    await autoscaled();
    const deps = { ...depsFor(), pauses };
    const preview = await previewScale(deps, ada, { ...target, count: 9 });
    await nomadPost('/v1/job/api/scale', { Count: 5, Target: { Group: 'reply-consumer' } });
    const stale = await executeScale(
      deps,
      ada,
      scaleInput(9, { pauseAutoscalerMinutes: 10, expectedModifyIndex: preview.ok ? preview.value.jobModifyIndex : 0 }),
    );
    expect(stale).toMatchObject({ ok: false, error: { code: 'conflict' } });
    expect(desired()).toBe(5);
    expect(policyEnabled()).toBe(true);
    expect(await pauses.active('api', 'reply-consumer')).toBeNull();
  });

  it('changes nothing when the pause cannot be stored: refused before Nomad is touched (no pause left that nobody would end)', async () => {
    await autoscaled();
    const broken: AutoscalerPauses = {
      ...autoscalerPauses(db),
      record: async () => {
        throw new Error('the database is away');
      },
    };
    const input = scaleInput(7, { pauseAutoscalerMinutes: 10 });
    const result = await executeScale({ ...depsFor(), pauses: broken }, ada, input);
    expect(result).toMatchObject({
      ok: false,
      error: { code: 'store_unavailable', message: expect.stringContaining('nothing was changed') },
    });
    expect(desired()).toBe(3);
    expect(policyEnabled()).toBe(true);
    expect(await rowOf(input.idempotencyKey)).toMatchObject({ outcome: 'refused' });
  });

  it('keeps the pause when Nomad does not answer the registration, so the policy comes back even if it lands late', async () => {
    const pauses = autoscalerPauses(db);
    await autoscaled();
    // Applied only after the client gave up (5 s) and after the read back.
    expect((await nomadPost('/_standin/faults', { register: { delayMs: 8000, late: true } })).status).toBe(200);
    const deps = { ...depsFor(), pauses };
    const input = scaleInput(8, { pauseAutoscalerMinutes: 10 });
    const result = await executeScale(deps, ada, input);
    expect(result).toMatchObject({
      ok: false,
      error: { code: 'upstream', message: expect.stringMatching(/The pause is kept/) },
    });
    const pause = await pauses.active('api', 'reply-consumer');
    expect(pause).not.toBeNull();
    // The registration lands: count changed, policy off...
    await expect.poll(() => policyEnabled(), { timeout: 10_000, interval: 250 }).toBe(false);
    expect(desired()).toBe(8);
    // ...and when the pause is due, the leader's upkeep enables the policy again.
    expect(await restoreDuePauses(deps, new Date(Date.now() + 11 * 60_000))).toBe(1);
    expect(policyEnabled()).toBe(true);
  }, 30_000);
});

describe('an answer that never comes', () => {
  it('is read back: applied, the scale is a success with its evaluation', async () => {
    await standIn();
    // The next scale is applied, but answered only after the client's 5 s timeout.
    expect((await nomadPost('/_standin/faults', { scale: { delayMs: 6500, apply: true } })).status).toBe(200);
    const input = scaleInput(12);
    const result = await executeScale(depsFor(), ada, input);
    expect(result).toMatchObject({ ok: true, value: { from: 3, to: 12 } });
    expect(desired()).toBe(12);
    const row = await rowOf(input.idempotencyKey);
    expect(row).toMatchObject({ outcome: 'succeeded', from: 3, to: 12 });
    expect(row!.evalId).toMatch(/^[0-9a-f-]{36}$/);
  }, 20_000);

  it('applied only after the read back: unknown and checking (pending), then settled as a success by a later read', async () => {
    await standIn();
    // Nomad commits the scale 12 s after the request: after the client's 5 s and the read back.
    expect((await nomadPost('/_standin/faults', { scale: { delayMs: 12_000, late: true } })).status).toBe(200);
    const input = scaleInput(14);
    const deps = depsFor();
    const result = await executeScale(deps, ada, input);
    expect(result).toMatchObject({ ok: true, value: { from: 3, to: 14, evalId: '' } });
    expect(result.ok && result.value.checking).toMatch(
      /did not answer in time.*checking whether the scale was applied/,
    );
    expect(desired()).toBe(3);
    expect(await rowOf(input.idempotencyKey)).toMatchObject({ outcome: 'pending' });
    // A double submit meanwhile does nothing twice.
    expect(await executeScale(deps, ada, input)).toMatchObject({ ok: false, error: { code: 'conflict' } });
    // The sender's own follow-up reads Nomad every 2 s and settles it once the scale shows.
    await expect
      .poll(async () => (await rowOf(input.idempotencyKey))?.outcome, { timeout: 20_000, interval: 500 })
      .toBe('succeeded');
    expect(desired()).toBe(14);
    const row = await rowOf(input.idempotencyKey);
    expect(row).toMatchObject({ from: 3, to: 14 });
    expect(row!.evalId).toMatch(/^[0-9a-f-]{36}$/);
  }, 40_000);

  it('never applied: unknown and checking at first, failed only once a minute has passed with nothing in Nomad', async () => {
    await standIn();
    expect((await nomadPost('/_standin/faults', { scale: { delayMs: 6500, apply: false } })).status).toBe(200);
    const input = scaleInput(12);
    const deps = depsFor();
    const result = await executeScale(deps, ada, input);
    expect(result).toMatchObject({ ok: true, value: { from: 3, to: 12, evalId: '' } });
    expect(result.ok && result.value.checking).toMatch(/did not answer in time/);
    expect(desired()).toBe(3);
    const row = (await rowOf(input.idempotencyKey))!;
    expect(row.outcome).toBe('pending');
    // Meanwhile no other scale of the group goes out: this one may still land.
    expect(await executeScale(deps, ada, scaleInput(5))).toMatchObject({
      ok: false,
      error: { code: 'conflict', message: expect.stringMatching(/still being checked/) },
    });
    // Within the minute, a read that shows nothing settles nothing.
    expect(await settleUnansweredScales(deps, new Date(Date.parse(row.createdAt) + 30_000))).toBe(0);
    expect((await rowOf(input.idempotencyKey))!.outcome).toBe('pending');
    // After it (the leader's upkeep), the row says what happened, and that a retry is safe.
    const later = new Date(Date.parse(row.createdAt) + unansweredScaleSettleMs + 1000);
    expect(await settleUnansweredScales(deps, later)).toBe(1);
    expect(await rowOf(input.idempotencyKey)).toMatchObject({
      outcome: 'failed',
      error: expect.stringMatching(/shows no scale from this request: it was not applied \(a retry is safe/),
    });
    expect(desired()).toBe(3);
    // Settled rows are left alone.
    expect(await settleUnansweredScales(deps, later)).toBe(0);
  }, 30_000);
});

describe('a deployment that starts after the preview', () => {
  it('is refused by Nomad itself (job scaling blocked due to active deployment), said as what it is', async () => {
    await standIn();
    const deps = depsFor();
    const preview = await previewScale(deps, ada, { ...target, count: 6 });
    expect(preview).toMatchObject({ ok: true, value: { blocked: null } });
    const index = preview.ok ? preview.value.jobModifyIndex : -1;
    // Between warroom's read and Nomad's check, a rollout begins: only Nomad can refuse it now.
    let started = false;
    const racing = depsFor({
      nomad: (c) => ({
        ...c,
        scale: async (job, body) => {
          if (!started) {
            started = true;
            await redeploy();
          }
          return c.scale(job, { ...body, JobModifyIndex: cluster.jobs.get('api')!.jobModifyIndex });
        },
      }),
    });
    const input = scaleInput(6, { expectedModifyIndex: index });
    const result = await executeScale(racing, ada, input);
    expect(result).toMatchObject({
      ok: false,
      error: {
        code: 'conflict',
        message: expect.stringMatching(/does not scale api while a deployment of it is rolling out/),
      },
    });
    expect(desired()).toBe(3);
    expect(await rowOf(input.idempotencyKey)).toMatchObject({ outcome: 'refused' });
  });
});
