import { spawn, type SpawnOptions } from 'node:child_process';
import { existsSync, openSync, readFileSync, rmSync, writeFileSync, closeSync } from 'node:fs';
import path from 'node:path';
import { ensureDir } from './paths';

/**
 * A service we start is a detached process group with a pid file, so any later command (a
 * second `npm run demo`, `npm run stack down`, a test teardown) can find and stop it by PID.
 */
export interface ManagedProcess {
  name: string;
  pidFile: string;
  logFile: string;
}

export function managed(stateDir: string, name: string): ManagedProcess {
  return {
    name,
    pidFile: path.join(ensureDir(path.join(stateDir, 'run')), `${name}.pid`),
    logFile: path.join(ensureDir(path.join(stateDir, 'log')), `${name}.log`),
  };
}

export function readPid(proc: ManagedProcess): number | null {
  if (!existsSync(proc.pidFile)) return null;
  const pid = Number(readFileSync(proc.pidFile, 'utf8').trim());
  return Number.isInteger(pid) && pid > 0 ? pid : null;
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  // A zombie still answers kill(0); it is not running.
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return !/^\d+ \(.*\) Z/.test(stat);
  } catch {
    return true;
  }
}

export function runningPid(proc: ManagedProcess): number | null {
  const pid = readPid(proc);
  return pid !== null && isAlive(pid) ? pid : null;
}

export function startDetached(
  proc: ManagedProcess,
  command: string,
  args: string[],
  options: Pick<SpawnOptions, 'cwd' | 'env' | 'uid' | 'gid'> = {},
): number {
  const log = openSync(proc.logFile, 'a');
  const child = spawn(command, args, {
    ...options,
    detached: true,
    stdio: ['ignore', log, log],
  });
  closeSync(log);
  if (child.pid === undefined) throw new Error(`${proc.name}: could not start ${command}`);
  child.unref();
  writeFileSync(proc.pidFile, String(child.pid));
  return child.pid;
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    try {
      process.kill(pid, signal);
    } catch {
      /* already gone */
    }
  }
}

/** Signals the whole process group (SIGTERM unless told), waits up to graceMs, then SIGKILLs it. */
export async function stopManaged(
  proc: ManagedProcess,
  graceMs = 15_000,
  signal: NodeJS.Signals = 'SIGTERM',
): Promise<boolean> {
  const pid = readPid(proc);
  if (pid === null) return false;
  if (isAlive(pid)) {
    signalGroup(pid, signal);
    const deadline = Date.now() + graceMs;
    while (isAlive(pid) && Date.now() < deadline) await sleep(100);
    if (isAlive(pid)) signalGroup(pid, 'SIGKILL');
    while (isAlive(pid)) await sleep(50);
  }
  rmSync(proc.pidFile, { force: true });
  return true;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Polls `probe` until it resolves true; fails with the log tail when the process dies or time runs out. */
export async function waitUntilReady(
  proc: ManagedProcess,
  probe: () => Promise<boolean>,
  timeoutMs: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await probe().catch(() => false)) return;
    const pid = readPid(proc);
    if (pid === null || !isAlive(pid)) {
      throw new Error(`${proc.name} exited before it was ready; log ${proc.logFile}:\n${logTail(proc)}`);
    }
    await sleep(250);
  }
  throw new Error(`${proc.name} not ready after ${timeoutMs} ms; log ${proc.logFile}:\n${logTail(proc)}`);
}

export function logTail(proc: ManagedProcess, lines = 20): string {
  try {
    return readFileSync(proc.logFile, 'utf8').split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

export async function httpOk(url: string, init: RequestInit = {}): Promise<boolean> {
  const res = await fetch(url, { ...init, signal: AbortSignal.timeout(2000) });
  return res.ok;
}
