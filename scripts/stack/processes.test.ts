import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import {
  serviceProcesses,
  isAlive,
  managed,
  portFree,
  sleep,
  startDetached,
  stopManaged,
  type ManagedProcess,
} from './processes';

/**
 * stopManaged on small stand-ins for a service whose leader is only a wrapper, as rabbitmq-server
 * (a shell script) is for beam.smp: the leader dies at once on SIGTERM, its child does not.
 */
const stateDir = mkdtempSync(path.join(tmpdir(), 'warroom-processes-'));
const started: number[] = [];
/** Processes found before a stop: if the stop fails to end them, the group no longer leads to them. */
const strays: number[] = [];

function start(name: string, script: string): { proc: ManagedProcess; pgid: number } {
  const proc = managed(stateDir, name);
  const pgid = startDetached(proc, 'sh', ['-c', script]);
  started.push(pgid);
  return { proc, pgid };
}

async function until(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

/** A port nobody holds: the kernel picks it, and the probe lets it go again. */
function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const probe = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

afterEach(() => {
  // A failing test must not leave its sleepers behind.
  for (const pgid of started.splice(0)) {
    for (const pid of [-pgid, ...serviceProcesses(pgid), ...strays.splice(0)]) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        /* gone */
      }
    }
  }
});

describe('stopManaged', () => {
  it('returns only after every process of the group has exited and its port is free', async () => {
    const port = await freePort();
    // The child keeps its listener for 1.5 s after SIGTERM, like a broker shutting down.
    const child = `require('net').createServer().listen(${port}, '127.0.0.1'); process.on('SIGTERM', () => setTimeout(() => process.exit(0), 1500))`;
    const { proc, pgid } = start('wrapper', `'${process.execPath}' -e "${child}" & wait`);
    await until('the child to listen', async () => !(await portFree(port)));
    expect(serviceProcesses(pgid).length).toBe(2);

    const t0 = Date.now();
    expect(await stopManaged(proc, 10_000, 'SIGTERM', [port])).toBe(true);
    expect(serviceProcesses(pgid)).toEqual([]);
    expect(await portFree(port)).toBe(true);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(1000);
    // A node start and a 1.5 s shutdown: more than vitest's default 5 s on a busy 2-core machine.
  }, 20_000);

  it('SIGKILLs the group when a member outlives the grace period', async () => {
    // The child ignores SIGTERM (an ignored signal stays ignored across exec).
    const { proc, pgid } = start('stubborn', `(trap '' TERM; exec sleep 30) & wait`);
    await until('the child to start', () => serviceProcesses(pgid).length === 2);

    const t0 = Date.now();
    await stopManaged(proc, 500);
    expect(serviceProcesses(pgid)).toEqual([]);
    expect(Date.now() - t0).toBeLessThan(5_000);
  });

  it('also waits for, and SIGKILLs, a child that left the group (as PostgreSQL and beam.smp children do)', async () => {
    // setsid puts the sleeper in a session and group of its own, out of reach of the group's SIGTERM.
    const { proc, pgid } = start('escapee', 'setsid sleep 30 & wait');
    await until('the child to start', () => serviceProcesses(pgid).length === 2);
    const pids = serviceProcesses(pgid);
    strays.push(...pids);

    await stopManaged(proc, 300);
    expect(pids.filter(isAlive)).toEqual([]);
    expect(serviceProcesses(pgid)).toEqual([]);
  });

  it('leaves alone a live process that a stale pid file names but that leads no group', async () => {
    // As when the pid of a service long gone was reused: a plain child is in our group, not its own.
    const stranger = spawn('sleep', ['30'], { stdio: 'ignore' });
    const proc = managed(stateDir, 'stale');
    writeFileSync(proc.pidFile, String(stranger.pid));
    try {
      expect(await stopManaged(proc, 100)).toBe(true);
      expect(stranger.exitCode).toBeNull();
      expect(stranger.signalCode).toBeNull();
      expect(isAlive(stranger.pid!)).toBe(true);
    } finally {
      stranger.kill('SIGKILL');
    }
  });
});

afterAll(() => rmSync(stateDir, { recursive: true, force: true }));
