import { execFileSync, spawn } from 'node:child_process';
import { cpSync, existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { dashboardPort, maxDashboardReplicas, repoRoot, type StackLayout } from './paths';
import { postgresUrl, startPostgres } from './postgres';
import { httpOk, managed, runningPid, startDetached, stopManaged, waitUntilReady } from './processes';
import { prometheusUrl } from './prometheus';
import { rabbitManagementUrl } from './rabbitmq';
import { stackSecrets } from './secrets';
import { hashPasswordSync } from '../../lib/auth/password';

/** The demo's people: one per role, named for what they do. */
export const demoUsers = { admin: 'ada', operator: 'olivia', viewer: 'victor' } as const;

/**
 * The warroom configuration for a stack profile, written to its state folder. Secrets stay out of
 * the file: it names environment variables, and `dashboardEnv` supplies them.
 */
export function writeWarroomConfig(layout: StackLayout): string {
  const file = path.join(layout.stateDir, 'warroom.yaml');
  const secrets = stackSecrets(layout);
  writeFileSync(
    file,
    `# Written by warroom for the local "${layout.profile}" stack; regenerated on every start.
pipeline:
  name: demo-kyc
  description: Face match and OCR behind RabbitMQ, scheduled by the Nomad stand-in
  endToEnd:
    latency: { histogram: demo_api_request_duration_seconds, filter: 'status="200"', window: 30s }
    quantile: 0.9
    sloMs: 3000
  stages:
    - id: api
      kind: service
      label: API
    - id: request-queue
      kind: queue
      label: ML request queue
      queue: { name: ml.requests }
    - id: ml-workers
      kind: workers
      label: ML workers (GPU)
      consumesFrom: request-queue
      latency: { histogram: demo_inference_duration_seconds, window: 30s }
      gpuUtilQuery: avg(DCGM_FI_DEV_GPU_UTIL)
      # One series per GPU, as dcgm-exporter publishes them (MiB): warroom pairs and sums them.
      # last_over_time keeps only GPUs scraped in the last 10 s: a stack restarted within Prometheus'
      # 5-minute lookback would otherwise count the previous run's workers' GPUs too.
      gpuMemory:
        usedQuery: last_over_time(DCGM_FI_DEV_FB_USED[10s])
        freeQuery: last_over_time(DCGM_FI_DEV_FB_FREE[10s])
      nomad: { job: ml-inference, group: worker }
    - id: reply-queue
      kind: queue
      label: Reply queue
      queue: { name: api.replies }
    - id: reply-consumers
      kind: workers
      label: API reply consumers
      consumesFrom: reply-queue
      latency: { histogram: demo_reply_handling_duration_seconds, window: 30s }
      nomad: { job: api, group: reply-consumer }
    - id: postgres
      kind: store
      label: PostgreSQL (results)
polling:
  # Passive declares are one cheap round trip each: twice a second keeps detection well inside 2 s.
  amqpMs: 500
  managementMs: 5000
  prometheusMs: 5000
  nomadMs: 5000
  seriesMs: 15000
auth:
  sessionSecret: \${WARROOM_SESSION_SECRET}
  # The demo is a local showcase: anyone may watch; changing anything needs a signed-in operator.
  anonymousRead: true
  users:
    - { name: ${demoUsers.admin}, role: admin, passwordHash: "${hashPasswordSync(secrets.users.admin)}" }
    - { name: ${demoUsers.operator}, role: operator, passwordHash: "${hashPasswordSync(secrets.users.operator)}" }
    - { name: ${demoUsers.viewer}, role: viewer, passwordHash: "${hashPasswordSync(secrets.users.viewer)}" }
actions:
  scale:
    largeChangeFactor: 2
    targets:
      - { job: api, group: reply-consumer, min: 1, max: 50, cooldownSec: 30 }
      - { job: ml-inference, group: worker, min: 1, max: 40, cooldownSec: 60 }
sources:
  rabbitmq:
    managementUrl: ${rabbitManagementUrl(layout)}
    amqpUrl: amqp://127.0.0.1:${layout.ports.amqp}
    username: \${WARROOM_RABBITMQ_USER}
    password: \${WARROOM_RABBITMQ_PASSWORD}
    vhost: /
  prometheus:
    url: ${prometheusUrl(layout)}
  nomad:
    url: http://127.0.0.1:${layout.ports.nomad}
    token: \${WARROOM_NOMAD_TOKEN}
    namespace: default
`,
  );
  return file;
}

export function dashboardEnv(layout: StackLayout): Record<string, string> {
  const s = stackSecrets(layout);
  return {
    WARROOM_CONFIG: writeWarroomConfig(layout),
    WARROOM_RABBITMQ_USER: s.rabbitUser,
    WARROOM_RABBITMQ_PASSWORD: s.rabbitPassword,
    WARROOM_NOMAD_TOKEN: s.nomadToken,
    WARROOM_SESSION_SECRET: s.sessionSecret,
    WARROOM_STATE_DIR: layout.stateDir,
    // The tests' dashboard checks every response against its contract (lib/contracts).
    ...(layout.profile === 'test' ? { WARROOM_CHECK_RESPONSES: '1' } : {}),
  };
}

/** Replica n (1-based) of this profile's dashboard: `dashboard`, `dashboard-2`, ... */
export function dashboardProcess(layout: StackLayout, replica = 1) {
  return managed(layout.stateDir, replica === 1 ? 'dashboard' : `dashboard-${replica}`);
}

export function dashboardUrl(layout: StackLayout, replica = 1): string {
  return `http://127.0.0.1:${dashboardPort(layout, replica)}`;
}

const nextBin = path.join(repoRoot, 'node_modules', 'next', 'dist', 'bin', 'next');

/** Where `next build` writes, relative to the repo: next.config.js reads the same variable. */
export function nextDistDir(): string {
  return process.env.WARROOM_NEXT_DIST_DIR || '.next';
}

/**
 * The standalone build: `server.js` at the top of `<distDir>/standalone` (next.config.js traces
 * from the repo root), the build's server files under the same relative distDir inside it.
 */
function standalonePaths() {
  const dist = path.resolve(repoRoot, nextDistDir());
  const root = path.join(dist, 'standalone');
  const staticDir = path.join(root, path.relative(repoRoot, dist), 'static');
  return { dist, root, server: path.join(root, 'server.js'), staticDir };
}

/** `next build`, with output shown (a failing build must say why), then the standalone folder made servable. */
export function buildDashboard(): void {
  execFileSync(process.execPath, [nextBin, 'build'], {
    cwd: repoRoot,
    stdio: 'inherit',
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1' },
  });
  prepareStandalone();
}

/**
 * The same build, started in the background so that other work (the unit tests, the stack
 * starting) goes on meanwhile; its output goes to `logFile`, whose last lines a failure quotes.
 */
export function buildDashboardInBackground(logFile: string): Promise<void> {
  rmSync(logFile, { force: true });
  return new Promise((resolve, reject) => {
    const out: Buffer[] = [];
    const child = spawn(process.execPath, [nextBin, 'build'], {
      cwd: repoRoot,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1' },
    });
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => out.push(b));
    child.on('error', reject);
    child.on('close', (code) => {
      const text = Buffer.concat(out).toString('utf8');
      writeFileSync(logFile, text);
      if (code !== 0) {
        reject(new Error(`next build exited with ${code}:\n${text.trim().split('\n').slice(-30).join('\n')}`));
        return;
      }
      try {
        prepareStandalone();
        resolve();
      } catch (err) {
        reject(err as Error);
      }
    });
  });
}

/**
 * Makes `<distDir>/standalone` a folder `node server.js` serves whole: Next leaves the browser's
 * files (`<distDir>/static`, `public/`) out of it, for a CDN to serve; we serve them from the same
 * server, as the container does (deploy/Containerfile). Returns the server's path.
 */
export function prepareStandalone(): string {
  const p = standalonePaths();
  if (!existsSync(p.server))
    throw new Error(`${p.server} is missing: ${nextDistDir()} holds no standalone build; run \`npm run build\``);
  rmSync(p.staticDir, { recursive: true, force: true });
  cpSync(path.join(p.dist, 'static'), p.staticDir, { recursive: true });
  const publicDir = path.join(repoRoot, 'public');
  if (existsSync(publicDir)) cpSync(publicDir, path.join(p.root, 'public'), { recursive: true });
  return p.server;
}

/**
 * The standalone server, servable: built and prepared. A build from before `output: 'standalone'`
 * (or none) is built now; one whose browser files were not copied yet is prepared.
 */
export function servableStandalone(): string {
  const p = standalonePaths();
  if (!existsSync(p.server)) {
    console.log(`dashboard: ${nextDistDir()} holds no standalone build; building it`);
    buildDashboard();
    return p.server;
  }
  const buildId = readFileSync(path.join(p.dist, 'BUILD_ID'), 'utf8').trim();
  if (!existsSync(path.join(p.staticDir, buildId))) prepareStandalone();
  return p.server;
}

export type DashboardDatabase = 'pglite' | 'postgres';

export interface DashboardOptions {
  /** Servers on one database, each its own process and port (dashboardPort). Default 1. */
  replicas?: number;
  /**
   * Where the dashboard keeps its store: PGlite under the state folder, or a database of its own
   * (`warroom_<profile>`) on this stack's PostgreSQL, started if needed. Replicas share one, so
   * more than one means postgres; otherwise WARROOM_STACK_DATABASE decides, PGlite by default.
   */
  database?: DashboardDatabase;
}

function chosenDatabase(options: DashboardOptions, replicas: number): DashboardDatabase {
  const fromEnv = process.env.WARROOM_STACK_DATABASE;
  if (fromEnv !== undefined && fromEnv !== 'pglite' && fromEnv !== 'postgres')
    throw new Error(`WARROOM_STACK_DATABASE must be pglite or postgres, got "${fromEnv}"`);
  const database = options.database ?? (replicas > 1 ? 'postgres' : (fromEnv ?? 'pglite'));
  if (replicas > 1 && database !== 'postgres')
    throw new Error(`${replicas} dashboard replicas share one database: they need postgres, not ${database}`);
  return database;
}

/** The dashboard's own database on this stack's PostgreSQL (`warroom_<profile>`), created when missing. */
export async function dashboardDatabaseUrl(layout: StackLayout): Promise<string> {
  await startPostgres(layout);
  const name = `warroom_${layout.profile}`;
  const client = new pg.Client({ connectionString: postgresUrl(layout) });
  await client.connect();
  try {
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    // 42P04: another start created it in between.
    if (found.rowCount === 0)
      await client.query(`CREATE DATABASE ${name}`).catch((err: { code?: string }) => {
        if (err.code !== '42P04') throw err;
      });
  } finally {
    await client.end();
  }
  const url = new URL(postgresUrl(layout));
  url.pathname = `/${name}`;
  return url.toString();
}

/**
 * Serves the standalone build (`node <distDir>/standalone/server.js`) for this profile's stack, on
 * loopback: `replicas` processes with the same configuration, each on its own port. Replicas
 * already running are kept as they are (stop first to change the database). Returns every URL.
 */
export async function startDashboard(layout: StackLayout, options: DashboardOptions = {}): Promise<string[]> {
  const replicas = options.replicas ?? 1;
  if (!Number.isInteger(replicas) || replicas < 1 || replicas > maxDashboardReplicas)
    throw new Error(`dashboard replicas: expected 1 to ${maxDashboardReplicas}, got ${replicas}`);
  const database = chosenDatabase(options, replicas);
  const all = Array.from({ length: replicas }, (_, i) => i + 1);
  const toStart = all.filter((n) => runningPid(dashboardProcess(layout, n)) === null);
  if (toStart.length > 0) {
    const server = servableStandalone();
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      ...dashboardEnv(layout),
      NODE_ENV: 'production',
      NEXT_TELEMETRY_DISABLED: '1',
      HOSTNAME: '127.0.0.1',
    };
    // The choice made here holds: a DATABASE_URL in the caller's shell does not override it.
    delete env.DATABASE_URL;
    if (database === 'postgres') env.DATABASE_URL = await dashboardDatabaseUrl(layout);
    for (const n of toStart)
      startDetached(dashboardProcess(layout, n), process.execPath, [server], {
        cwd: path.dirname(server),
        env: { ...env, PORT: String(dashboardPort(layout, n)) },
      });
  }
  await Promise.all(
    all.map((n) =>
      waitUntilReady(dashboardProcess(layout, n), () => httpOk(`${dashboardUrl(layout, n)}/api/health`), 60_000),
    ),
  );
  return all.map((n) => dashboardUrl(layout, n));
}

/** Stops every replica this profile's stack runs (each pid file dashboard*.pid), however many were started. */
export async function stopDashboard(layout: StackLayout): Promise<void> {
  const runDir = path.dirname(dashboardProcess(layout).pidFile);
  const replicas = readdirSync(runDir)
    .map((f) => /^dashboard(?:-(\d+))?\.pid$/.exec(f))
    .filter((m) => m !== null)
    .map((m) => Number(m[1] ?? 1))
    .filter((n) => n <= maxDashboardReplicas);
  await Promise.all(
    replicas.map((n) => stopManaged(dashboardProcess(layout, n), 10_000, 'SIGTERM', [dashboardPort(layout, n)])),
  );
}
