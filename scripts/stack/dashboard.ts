import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { repoRoot, type StackLayout } from './paths';
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

export function dashboardProcess(layout: StackLayout) {
  return managed(layout.stateDir, 'dashboard');
}

export function dashboardUrl(layout: StackLayout): string {
  return `http://127.0.0.1:${layout.ports.dashboard}`;
}

const nextBin = path.join(repoRoot, 'node_modules', 'next', 'dist', 'bin', 'next');

/** `next build`, with output shown: a failing build must say why. */
export function buildDashboard(): void {
  execFileSync(process.execPath, [nextBin, 'build'], {
    cwd: repoRoot,
    stdio: 'inherit',
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1' },
  });
}

/** Serves the built dashboard (`next start`) for this profile's stack, on loopback. */
export async function startDashboard(layout: StackLayout): Promise<string> {
  const proc = dashboardProcess(layout);
  const url = dashboardUrl(layout);
  if (runningPid(proc) === null) {
    startDetached(proc, process.execPath, [nextBin, 'start', '-p', String(layout.ports.dashboard), '-H', '127.0.0.1'], {
      cwd: repoRoot,
      env: { ...process.env, ...dashboardEnv(layout), NODE_ENV: 'production', NEXT_TELEMETRY_DISABLED: '1' },
    });
  }
  await waitUntilReady(proc, () => httpOk(`${url}/api/health`), 60_000);
  return url;
}

export async function stopDashboard(layout: StackLayout): Promise<void> {
  await stopManaged(dashboardProcess(layout), 10_000);
}
