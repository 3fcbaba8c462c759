import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import amqp, { type ChannelModel } from 'amqplib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rabbitManagementUrl, stackLayout, stackSecrets } from '../../scripts/stack';
import { servableStandalone } from '../../scripts/stack/dashboard';
import { sleep } from '../../scripts/stack/processes';
import { waitFor } from '../../scripts/testing/demo-client';
import { hashToken } from '../auth/password';
import type { PipelinesView } from '../contracts/pipelines';
import type { Snapshot } from '../contracts/snapshot';

/**
 * Several pipelines in one configuration, served by a production build of the dashboard: the
 * demo's KYC pipeline on vhost "/" and a document-search pipeline on a vhost of its own. Each has
 * its own view (`/p/<name>`, `?pipeline=` on the API), its own bottleneck and its own incidents;
 * `/` is the overview saying which are healthy; a queue one pipeline watches is not "unmonitored"
 * in the other's view; a pipeline the file does not name is a 404, never a 500.
 */
const layout = stackLayout('test');
const port = 22392;
const base = `http://127.0.0.1:${port}`;
const adminToken = 'multi-pipeline-admin-token-7c2e';
const vhost = 'docs-multi';
const secrets = stackSecrets(layout);
const managementAuth = `Basic ${Buffer.from(`${secrets.rabbitUser}:${secrets.rabbitPassword}`).toString('base64')}`;
const asAdmin = { authorization: `Bearer ${adminToken}` };

let dashboard: ChildProcess;
let connection: ChannelModel;
let filler: NodeJS.Timeout;
let logFile: string;

async function management(method: 'PUT' | 'DELETE', p: string, body?: unknown) {
  const res = await fetch(`${rabbitManagementUrl(layout)}${p}`, {
    method,
    headers: { authorization: managementAuth, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!res.ok && !(method === 'DELETE' && res.status === 404)) throw new Error(`${method} ${p}: ${res.status}`);
}

function withoutDatabaseUrl(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const copy = { ...env };
  delete copy.DATABASE_URL;
  return copy;
}

const api = (p: string, init: RequestInit = {}) =>
  fetch(`${base}${p}`, { ...init, headers: { ...asAdmin, ...(init.headers ?? {}) } });

beforeAll(async () => {
  await management('DELETE', `/api/vhosts/${vhost}`);
  await management('PUT', `/api/vhosts/${vhost}`, {});
  await management('PUT', `/api/permissions/${vhost}/${encodeURIComponent(secrets.rabbitUser)}`, {
    configure: '.*',
    write: '.*',
    read: '.*',
  });
  connection = await amqp.connect(
    `amqp://${encodeURIComponent(secrets.rabbitUser)}:${encodeURIComponent(secrets.rabbitPassword)}@127.0.0.1:${layout.ports.amqp}/${vhost}`,
  );
  const ch = await connection.createChannel();
  await ch.assertQueue('docs.ingest', { durable: false });
  await ch.assertQueue('docs.results', { durable: false });
  // Results pile up with nobody writing them: the document pipeline's bottleneck.
  filler = setInterval(() => ch.sendToQueue('docs.results', Buffer.from('{}')), 100);

  const dir = mkdtempSync(path.join(tmpdir(), 'warroom-pipelines-'));
  logFile = path.join(dir, 'dashboard.log');
  const config = path.join(dir, 'warroom.yaml');
  writeFileSync(
    config,
    `auth:
  sessionSecret: '${'m'.repeat(40)}'
  users:
    - { name: ada, role: admin, tokenHash: "${hashToken(adminToken)}" }
polling: { amqpMs: 1000, managementMs: 2000 }
pipelines:
  - name: kyc
    endToEnd: { sloMs: 3000 }
    stages:
      - { id: api, kind: service }
      - { id: request-queue, kind: queue, queue: { name: ml.requests } }
      - { id: ml-workers, kind: workers, consumesFrom: request-queue }
      - { id: reply-queue, kind: queue, queue: { name: api.replies } }
      - { id: reply-consumers, kind: workers, consumesFrom: reply-queue }
  - name: doc-search
    endToEnd: { sloMs: 8000 }
    stages:
      - { id: ingest-queue, kind: queue, label: Ingest queue, queue: { name: docs.ingest, vhost: ${vhost} } }
      - { id: extractors, kind: workers, consumesFrom: ingest-queue }
      - { id: results-queue, kind: queue, label: Results queue, queue: { name: docs.results, vhost: ${vhost} } }
      - { id: result-writers, kind: workers, label: Result writers, consumesFrom: results-queue }
sources:
  rabbitmq:
    managementUrl: ${rabbitManagementUrl(layout)}
    amqpUrl: amqp://127.0.0.1:${layout.ports.amqp}
    username: \${RABBIT_USER}
    password: \${RABBIT_PASSWORD}
`,
  );
  const log = openSync(logFile, 'a');
  const server = servableStandalone();
  dashboard = spawn(process.execPath, [server], {
    cwd: path.dirname(server),
    stdio: ['ignore', log, log],
    env: {
      // PGlite in this file's own folder: the stack's PostgreSQL (DATABASE_URL) is another
      // dashboard's. The variable is left out, as the env check refuses an empty one.
      ...withoutDatabaseUrl(process.env),
      NODE_ENV: 'production',
      NEXT_TELEMETRY_DISABLED: '1',
      PORT: String(port),
      HOSTNAME: '127.0.0.1',
      WARROOM_CONFIG: config,
      WARROOM_STATE_DIR: dir,
      WARROOM_CHECK_RESPONSES: '1',
      RABBIT_USER: secrets.rabbitUser,
      RABBIT_PASSWORD: secrets.rabbitPassword,
    },
  });
  await waitFor(
    () =>
      fetch(`${base}/api/health`).then(
        (r) => r.ok,
        () => false,
      ),
    (ok) => ok,
    60_000,
    `the dashboard to start (log: ${logFile})`,
    300,
  ).catch((err: Error) => {
    throw new Error(`${err.message}\n${readFileSync(logFile, 'utf8')}`);
  });
}, 120_000);

afterAll(async () => {
  clearInterval(filler);
  dashboard?.kill('SIGTERM');
  await connection?.close().catch(() => undefined);
  await management('DELETE', `/api/vhosts/${vhost}`);
});

describe('several pipelines in one configuration', () => {
  it('each has its own view and bottleneck, and the overview says which is unhealthy', async () => {
    const overview = await waitFor(
      async () => (await (await api('/api/pipelines')).json()) as PipelinesView,
      (v) => v.pipelines.find((p) => p.name === 'doc-search')?.status === 'bottleneck',
      60_000,
      'the overview to show the document pipeline unhealthy',
    );
    expect(overview.pipelines.map((p) => [p.name, p.href])).toEqual([
      ['kyc', '/p/kyc'],
      ['doc-search', '/p/doc-search'],
    ]);
    const docs = overview.pipelines.find((p) => p.name === 'doc-search')!;
    expect(docs.bottleneck).toMatchObject({ stageId: 'result-writers', label: 'Result writers' });
    expect(docs.bottleneck!.reason).toContain('Results queue');
    // No end-to-end histogram: the figure is estimated from the stages, or unknown while the
    // results queue has no consumer to wait for (an unbounded wait), never shown as measured.
    expect(docs.endToEnd.pMs === null || docs.endToEnd.estimated).toBe(true);
    expect(overview.pipelines.find((p) => p.name === 'kyc')!.bottleneck?.stageId).not.toBe('result-writers');

    const topology = async (name: string) =>
      (await (await api(`/api/topology?pipeline=${encodeURIComponent(name)}`)).json()) as Snapshot;
    const [kyc, search] = await Promise.all([topology('kyc'), topology('doc-search')]);
    expect(search.pipeline).toBe('doc-search');
    expect(search.stages.map((s) => s.id)).toEqual(['ingest-queue', 'extractors', 'results-queue', 'result-writers']);
    expect(kyc.pipeline).toBe('kyc');
    expect(kyc.stages.map((s) => s.id)).toContain('reply-queue');
    // The first pipeline is the API's default.
    expect(((await (await api('/api/topology')).json()) as Snapshot).pipeline).toBe('kyc');
    // A queue the other pipeline watches is not unmonitored in this one's view.
    await sleep(4000);
    const kycLater = await topology('kyc');
    expect(kycLater.unmonitoredQueues.some((q) => q.vhost === vhost && q.name === 'docs.results')).toBe(false);
  });

  it('pages: / is the overview, /p/<name> each live page, an unknown name a 404', async () => {
    const home = await (await api('/')).text();
    expect(home).toContain('data-testid="pipelines-overview"');
    const page = await api('/p/doc-search');
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('data-testid="pipeline-name"');
    expect(html).toContain('doc-search');
    expect((await api('/p/doc-search/incidents')).status).toBe(200);
    for (const p of ['/p/nope', '/p/nope/incidents', '/p/nope/incidents/1']) expect((await api(p)).status, p).toBe(404);
    // Not percent-encoding at all: a bad request, for a page as for the API.
    for (const p of ['/p/%E0%A4%A', '/p/%E0%A4%A/incidents', '/api/topology/%ZZ'])
      expect((await api(p)).status, p).toBe(400);
    const unknown = await api('/api/topology?pipeline=nope');
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toEqual({
      error: { code: 'not_found', message: 'no pipeline "nope" in this configuration' },
    });
  });

  it('incidents belong to their pipeline', async () => {
    const opened = await api('/api/incidents?pipeline=doc-search', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ title: 'results pile up', severity: 'sev3' }),
    });
    expect(opened.status, await opened.clone().text()).toBe(200);
    const { id } = (await opened.json()) as { id: number };
    const list = async (q: string) =>
      ((await (await api(`/api/incidents${q}`)).json()) as { incidents: Array<{ id: number }> }).incidents.map(
        (i) => i.id,
      );
    expect(await list('?pipeline=doc-search')).toContain(id);
    expect(await list('?pipeline=kyc')).not.toContain(id);
    expect(await list('')).not.toContain(id);
    expect((await api(`/api/incidents/${id}?pipeline=doc-search`)).status).toBe(200);
    expect((await api(`/api/incidents/${id}?pipeline=kyc`)).status).toBe(404);
    expect((await api(`/p/doc-search/incidents/${id}`)).status).toBe(200);
    expect((await api(`/incidents/${id}`)).status).toBe(404);
  });
});
