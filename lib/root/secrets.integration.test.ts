import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../../scripts/stack';
import { sleep } from '../../scripts/stack/processes';
import { hashToken } from '../auth/password';
import { openDb } from '../store/db';

/**
 * Secrets never leave the server. A dashboard (the production build) runs with recognisable
 * secrets in every source URL, password and token, against sources that all fail: one refuses
 * connections, the others answer 500 and echo back everything they were sent (URL and headers).
 * Every API answer, page, streamed event, stored row and log line is then searched for them.
 */
const port = 22391;
const base = `http://127.0.0.1:${port}`;
const adminToken = 'PLANTED-admin-token-5f1d';
const planted = [
  'PLANTED-rabbit-url-pass',
  'PLANTED-amqp-pass',
  'PLANTED-rabbit-pass',
  'PLANTED-prom-url-pass',
  'PLANTED-prom-token',
  'PLANTED-nomad-token',
  'PLANTED-session-secret-0123456789abcdef',
  adminToken,
];
/** Each secret as it may travel: as typed, URL-encoded, inside HTTP Basic credentials. */
const forms = (secret: string) => [
  secret,
  encodeURIComponent(secret),
  Buffer.from(secret).toString('base64'),
  Buffer.from(`monitor:${secret}`).toString('base64'),
  Buffer.from(`planted-user:${secret}`).toString('base64'),
];

let echo: Server;
let dashboard: ChildProcess;
let dir: string;
let logFile: string;

beforeAll(async () => {
  echo = createServer((req, res) => {
    res.writeHead(500, { 'content-type': 'text/plain' });
    res.end(`echo ${req.method} ${req.url} ${JSON.stringify(req.headers)}`);
  });
  await new Promise<void>((resolve) => echo.listen(0, '127.0.0.1', resolve));
  const echoPort = (echo.address() as { port: number }).port;
  dir = mkdtempSync(path.join(tmpdir(), 'warroom-secrets-'));
  logFile = path.join(dir, 'dashboard.log');
  const config = path.join(dir, 'warroom.yaml');
  writeFileSync(
    config,
    `auth:
  sessionSecret: \${PLANTED_SESSION}
  anonymousRead: true
  users:
    - { name: ada, role: admin, tokenHash: "${hashToken(adminToken)}" }
actions:
  scale:
    targets: [{ job: api, group: reply-consumer, min: 1, max: 50, cooldownSec: 0 }]
polling: { amqpMs: 1000, managementMs: 1000, prometheusMs: 1000, nomadMs: 1000, seriesMs: 2000 }
history: { snapshotEveryMs: 1000 }
pipeline:
  name: secrets
  endToEnd: { latency: { histogram: api_seconds }, sloMs: 3000 }
  stages:
    - { id: api, kind: service }
    - { id: replies, kind: queue, queue: { name: api.replies } }
    - { id: consumers, kind: workers, consumesFrom: replies, latency: { histogram: h }, nomad: { job: api, group: reply-consumer } }
sources:
  rabbitmq:
    managementUrl: http://planted-user:PLANTED-rabbit-url-pass@127.0.0.1:${echoPort}/
    amqpUrl: amqp://planted-user:PLANTED-amqp-pass@127.0.0.1:9
    username: monitor
    password: \${PLANTED_RABBIT}
  prometheus:
    url: http://p:PLANTED-prom-url-pass@127.0.0.1:${echoPort}/
    bearerToken: \${PLANTED_PROM}
  nomad:
    url: http://127.0.0.1:${echoPort}
    token: \${PLANTED_NOMAD}
`,
  );
  const log = await import('node:fs').then((fs) => fs.openSync(logFile, 'a'));
  dashboard = spawn(
    process.execPath,
    [path.join(repoRoot, 'node_modules/next/dist/bin/next'), 'start', '-p', String(port), '-H', '127.0.0.1'],
    {
      cwd: repoRoot,
      stdio: ['ignore', log, log],
      env: {
        ...process.env,
        NODE_ENV: 'production',
        NEXT_TELEMETRY_DISABLED: '1',
        WARROOM_CONFIG: config,
        WARROOM_STATE_DIR: dir,
        WARROOM_CHECK_RESPONSES: '1',
        PLANTED_SESSION: 'PLANTED-session-secret-0123456789abcdef',
        PLANTED_RABBIT: 'PLANTED-rabbit-pass',
        PLANTED_PROM: 'PLANTED-prom-token',
        PLANTED_NOMAD: 'PLANTED-nomad-token',
      },
    },
  );
  const deadline = Date.now() + 60_000;
  for (;;) {
    const up = await fetch(`${base}/api/health`).then(
      (r) => r.ok,
      () => false,
    );
    if (up) break;
    if (Date.now() > deadline) throw new Error(`the dashboard did not start:\n${readFileSync(logFile, 'utf8')}`);
    await sleep(300);
  }
}, 90_000);

afterAll(async () => {
  dashboard?.kill('SIGTERM');
  await new Promise((resolve) => echo?.close(resolve));
});

describe('secrets in every source, every source failing', () => {
  it('appear in no answer, page, stream, stored row or log line', async () => {
    const asAdmin = { authorization: `Bearer ${adminToken}` };
    // Several poll rounds, so that every source has failed and been recorded.
    await sleep(6000);
    const seen: string[] = [];
    const read = async (p: string, init: RequestInit = {}) => {
      const res = await fetch(`${base}${p}`, { ...init, signal: AbortSignal.timeout(15_000) });
      seen.push(`${p} ${res.status} ${JSON.stringify([...res.headers])} ${await res.text()}`);
      return res;
    };
    for (const headers of [asAdmin, {}]) {
      for (const p of ['/api/topology', '/api/timeline', '/api/audit', '/api/incidents', '/', '/audit', '/incidents']) {
        await read(p, { headers });
      }
      await read('/api/series?stage=consumers', { headers });
      await read('/api/capacity?rps=10', { headers });
      await read('/api/pipelines', { headers });
    }
    const scale = {
      job: 'api',
      group: 'reply-consumer',
      count: 5,
      reason: 'secrets test',
      idempotencyKey: 'secrets-1234',
    };
    const post = { 'content-type': 'application/json', ...asAdmin };
    await read('/api/actions/scale/preview', { method: 'POST', headers: post, body: JSON.stringify(scale) });
    const scaled = await read('/api/actions/scale', { method: 'POST', headers: post, body: JSON.stringify(scale) });
    // Nomad answered 500 with the token echoed back: the action failed, and said why.
    expect(scaled.status).toBeGreaterThanOrEqual(400);
    const stream = await fetch(`${base}/api/stream`, { headers: asAdmin, signal: AbortSignal.timeout(3000) })
      .then((r) => r.text())
      .catch((err: Error) => `stream ended: ${err.message}`);
    seen.push(stream);
    await read('/api/audit', { headers: asAdmin });

    dashboard.kill('SIGTERM');
    await new Promise((resolve) => dashboard.once('exit', resolve));
    const db = await openDb({ dataDir: path.join(dir, 'pglite') });
    const tables = await db.query<{ table_name: string }>(
      "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'",
    );
    const rows: string[] = [];
    for (const { table_name } of tables) {
      rows.push(JSON.stringify(await db.query(`SELECT * FROM ${table_name}`)));
    }
    await db.close();
    const log = readFileSync(logFile, 'utf8');

    // The sources really failed and the failures were stored and logged, so the search means something.
    expect(seen.join('\n')).toContain('HTTP 500');
    expect(rows.join('\n')).toContain('HTTP 500');
    expect(rows.join('\n')).toContain('secrets test');
    expect(log.length).toBeGreaterThan(0);
    for (const [where, text] of [
      ['answers', seen.join('\n')],
      ['stored rows', rows.join('\n')],
      ['log', log],
    ] as const) {
      for (const secret of planted) {
        for (const form of forms(secret)) expect(text.includes(form), `${where} carry ${form}`).toBe(false);
      }
    }
  }, 120_000);
});
