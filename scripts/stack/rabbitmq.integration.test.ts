import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { stackLayout } from './paths';
import { isAlive, portFree, readPid, serviceProcesses, stopManaged, type ManagedProcess } from './processes';
import { rabbitManagementUrl, rabbitProcesses, startRabbit, stopRabbit } from './rabbitmq';
import { stackSecrets } from './secrets';

/**
 * "Stopped" means the broker is gone: rabbitmq-server is a shell script whose beam.smp outlives
 * it, and `npm run demo` started again right after Ctrl-C failed on the old broker's ports. A
 * broker of its own (state folder in /tmp, port block 23000 + offsets), so the shared test stack
 * and the pipeline on it stay up.
 */
const stateDir = mkdtempSync(path.join(tmpdir(), 'warroom-rabbit-'));
const layout = stackLayout('test', { stateDir, portBase: 23000 });
const { amqp, rabbitDist, rabbitManagement, rabbitPrometheus, epmd } = layout.ports;
const brokerPorts = [amqp, rabbitDist, rabbitManagement, rabbitPrometheus];

async function overviewStatus(): Promise<number> {
  const s = stackSecrets(layout);
  const auth = `Basic ${Buffer.from(`${s.rabbitUser}:${s.rabbitPassword}`).toString('base64')}`;
  return (await fetch(`${rabbitManagementUrl(layout)}/api/overview`, { headers: { authorization: auth } })).status;
}

/** Every process of a managed service (its group and their descendants), found before a stop. */
function processesOf(proc: ManagedProcess): number[] {
  return serviceProcesses(readPid(proc)!);
}

/** Asserted right after a stop returns: none of `pids` runs, and each of `ports` can be bound. */
async function expectGone(pids: number[], ports: number[]): Promise<void> {
  expect(pids.filter(isAlive)).toEqual([]);
  const taken = [];
  for (const port of ports) if (!(await portFree(port))) taken.push(port);
  expect(taken).toEqual([]);
}

afterAll(async () => {
  await stopRabbit(layout);
  rmSync(stateDir, { recursive: true, force: true });
});

describe('RabbitMQ stop and start again', () => {
  it('leaves no process or port behind when stopped, so it starts again at once', async () => {
    const { rabbit, epmd: epmdProc } = rabbitProcesses(layout);
    await startRabbit(layout);
    let pids = [...processesOf(rabbit), ...processesOf(epmdProc)];
    // The wrapper script, beam.smp, erl_child_setup (in a group of its own) and epmd at least.
    expect(pids.length).toBeGreaterThanOrEqual(4);

    await stopRabbit(layout);
    await expectGone(pids, [...brokerPorts, epmd]);
    await startRabbit(layout);
    expect(await overviewStatus()).toBe(200);

    // A broker that outlives its grace period (the demo's, under load) is SIGKILLed: the wrapper
    // dies at once, beam.smp takes a moment longer to exit and let go of its ports. Checked at
    // once, before epmd's stop gives it that moment.
    pids = processesOf(rabbit);
    await stopManaged(rabbit, 200, 'SIGTERM', brokerPorts);
    await expectGone(pids, brokerPorts);
    pids = processesOf(epmdProc);
    await stopManaged(epmdProc, 5_000, 'SIGTERM', [epmd]);
    await expectGone(pids, [epmd]);
    await startRabbit(layout);
    expect(await overviewStatus()).toBe(200);

    // The pid file names the wrapper: with the wrapper gone on its own (killed, or crashed),
    // beam.smp still runs the broker, and stopping must still stop that.
    pids = processesOf(rabbit);
    process.kill(readPid(rabbit)!, 'SIGKILL');
    await vi.waitUntil(() => !isAlive(readPid(rabbit)!), { timeout: 5_000 });
    expect(await overviewStatus()).toBe(200);
    await stopRabbit(layout);
    await expectGone(pids, [...brokerPorts, epmd]);
    await startRabbit(layout);
    expect(await overviewStatus()).toBe(200);
  });
});
