import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { ensureDir, type StackLayout } from './paths';
import { httpOk, managed, runningPid, startDetached, stopManaged, waitUntilReady } from './processes';
import { stackSecrets } from './secrets';

const rabbitServer = '/usr/lib/rabbitmq/bin/rabbitmq-server';

export function rabbitProcesses(layout: StackLayout) {
  return { epmd: managed(layout.stateDir, 'epmd'), rabbit: managed(layout.stateDir, 'rabbitmq') };
}

export function rabbitManagementUrl(layout: StackLayout): string {
  return `http://127.0.0.1:${layout.ports.rabbitManagement}`;
}

export function rabbitAmqpUrl(layout: StackLayout): string {
  const s = stackSecrets(layout);
  return `amqp://${s.rabbitUser}:${s.rabbitPassword}@127.0.0.1:${layout.ports.amqp}`;
}

async function managementReady(layout: StackLayout): Promise<boolean> {
  const s = stackSecrets(layout);
  const auth = Buffer.from(`${s.rabbitUser}:${s.rabbitPassword}`).toString('base64');
  return httpOk(`${rabbitManagementUrl(layout)}/api/overview`, { headers: { authorization: `Basic ${auth}` } });
}

/**
 * Our own epmd on a private port, so the node name registry is ours to stop, then RabbitMQ with
 * the management and prometheus plugins, every folder under the state dir.
 */
export async function startRabbit(layout: StackLayout): Promise<void> {
  const { epmd, rabbit } = rabbitProcesses(layout);
  const dir = ensureDir(path.join(layout.stateDir, 'rabbitmq'));
  const env = { ...process.env, ERL_EPMD_PORT: String(layout.ports.epmd) };
  if (runningPid(epmd) === null) startDetached(epmd, 'epmd', ['-port', String(layout.ports.epmd)], { env });

  if (runningPid(rabbit) !== null) {
    await waitUntilReady(rabbit, () => managementReady(layout), 60_000);
    return;
  }
  const s = stackSecrets(layout);
  const home = ensureDir(path.join(dir, 'home'));
  const pluginsFile = path.join(dir, 'enabled_plugins');
  writeFileSync(pluginsFile, '[rabbitmq_management,rabbitmq_prometheus].\n');
  const confFile = path.join(dir, 'rabbitmq.conf');
  writeFileSync(
    confFile,
    [
      `default_user = ${s.rabbitUser}`,
      `default_pass = ${s.rabbitPassword}`,
      'default_user_tags.administrator = true',
      `listeners.tcp.default = 127.0.0.1:${layout.ports.amqp}`,
      `management.tcp.port = ${layout.ports.rabbitManagement}`,
      'management.tcp.ip = 127.0.0.1',
      `prometheus.tcp.port = ${layout.ports.rabbitPrometheus}`,
      'prometheus.tcp.ip = 127.0.0.1',
      '',
    ].join('\n'),
  );
  startDetached(rabbit, rabbitServer, [], {
    cwd: dir,
    env: {
      ...env,
      HOME: home,
      RABBITMQ_NODENAME: `warroom-${layout.profile}@localhost`,
      RABBITMQ_NODE_IP_ADDRESS: '127.0.0.1',
      RABBITMQ_NODE_PORT: String(layout.ports.amqp),
      RABBITMQ_DIST_PORT: String(layout.ports.rabbitDist),
      RABBITMQ_MNESIA_BASE: ensureDir(path.join(dir, 'mnesia')),
      RABBITMQ_LOG_BASE: ensureDir(path.join(dir, 'log')),
      RABBITMQ_ENABLED_PLUGINS_FILE: pluginsFile,
      RABBITMQ_CONFIG_FILE: confFile,
      RABBITMQ_PID_FILE: path.join(dir, 'rabbitmq.pid'),
    },
  });
  await waitUntilReady(rabbit, () => managementReady(layout), 90_000);
}

export async function stopRabbit(layout: StackLayout): Promise<void> {
  const { epmd, rabbit } = rabbitProcesses(layout);
  const { amqp, rabbitDist, rabbitManagement, rabbitPrometheus } = layout.ports;
  await stopManaged(rabbit, 30_000, 'SIGTERM', [amqp, rabbitDist, rabbitManagement, rabbitPrometheus]);
  await stopManaged(epmd, 5_000, 'SIGTERM', [layout.ports.epmd]);
}
