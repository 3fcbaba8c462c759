import { spawn, type SpawnOptions } from 'node:child_process';
import { existsSync, openSync, readdirSync, readFileSync, rmSync, writeFileSync, closeSync } from 'node:fs';
import net from 'node:net';
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

interface ProcessStat {
  pid: number;
  ppid: number;
  pgrp: number;
  state: string;
  /** Start time in clock ticks since boot: with the pid, it names one process even if the pid is reused. */
  start: string;
}

/** Every process's /proc/<pid>/stat, or null where there is no /proc to read. */
function processTable(): ProcessStat[] | null {
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return null;
  }
  const table: ProcessStat[] = [];
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
    } catch {
      continue; // exited while we looked
    }
    // "pid (comm) state ppid pgrp ... starttime(22nd) ...": comm may hold spaces and parentheses.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    table.push({
      pid: Number(entry),
      state: fields[0]!,
      ppid: Number(fields[1]),
      pgrp: Number(fields[2]),
      start: fields[19]!,
    });
  }
  return table;
}

/**
 * The live processes of the service whose group `pgid` leads: the group's members and all their
 * descendants, since some children leave the group (PostgreSQL's workers and beam.smp's
 * erl_child_setup each call setsid) and a SIGKILLed leader leaves them running. Zombies are left
 * out: they hold no port or file, and one whose parent has gone waits for init to reap it (so
 * `kill(-pgid, 0)` cannot tell "gone"). `seen` carries what earlier calls found (pid -> start
 * time), so a descendant still counts after its parent has exited and it was reparented.
 */
export function serviceProcesses(pgid: number, seen = new Map<number, string>()): number[] {
  const table = processTable();
  if (table === null) {
    // No /proc: the group counts as alive while the kernel still knows it.
    try {
      process.kill(-pgid, 0);
      return [pgid];
    } catch {
      return [];
    }
  }
  const byPid = new Map(table.map((p) => [p.pid, p]));
  const children = new Map<number, ProcessStat[]>();
  for (const p of table) {
    const siblings = children.get(p.ppid);
    if (siblings) siblings.push(p);
    else children.set(p.ppid, [p]);
  }
  const queue = table.filter((p) => p.pgrp === pgid || seen.get(p.pid) === p.start);
  const visited = new Set<number>();
  while (queue.length > 0) {
    const p = queue.pop()!;
    if (visited.has(p.pid)) continue;
    visited.add(p.pid);
    seen.set(p.pid, p.start);
    queue.push(...(children.get(p.pid) ?? []));
  }
  return [...seen]
    .filter(([pid, start]) => byPid.get(pid)?.start === start && byPid.get(pid)?.state !== 'Z')
    .map(([pid]) => pid);
}

function signalGroup(pgid: number, signal: NodeJS.Signals): void {
  signalPid(-pgid, signal);
}

function signalPid(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(pid, signal);
  } catch {
    /* already gone */
  }
}

/** True when nothing listens on 127.0.0.1:`port` (nor on the wildcard address), so a server can bind it. */
export function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = net.createServer();
    probe.once('error', () => resolve(false));
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(true)));
  });
}

/**
 * Stops a service and returns only once every one of its processes (serviceProcesses) has exited
 * and its `ports` can be bound again: "stopped" means a new start right after cannot collide with
 * the old one, as `npm run demo` did after Ctrl-C while the old beam.smp still held its ports.
 * Signals the group (SIGTERM unless told), waits up to graceMs, then SIGKILLs what is left.
 * Returns false when there was no pid file.
 */
export async function stopManaged(
  proc: ManagedProcess,
  graceMs = 15_000,
  signal: NodeJS.Signals = 'SIGTERM',
  ports: number[] = [],
): Promise<boolean> {
  // The pid file names the group leader (startDetached spawns detached, i.e. setsid), so its pid
  // is the group id, and the group outlives the leader while any member runs. A stale pid reused
  // by an unrelated process is no group leader, so it finds no members and is left alone.
  const pgid = readPid(proc);
  if (pgid === null) return false;
  const seen = new Map<number, string>();
  const alive = () => serviceProcesses(pgid, seen);
  if (alive().length > 0) {
    // The polite signal goes to the group only: the leader stops its own setsid children (the
    // postmaster its workers), and a signal of their own could mean something else to them.
    signalGroup(pgid, signal);
    const deadline = Date.now() + graceMs;
    while (alive().length > 0 && Date.now() < deadline) await sleep(100);
    // SIGKILLed processes still take a moment to release their memory and sockets; one stuck in
    // uninterruptible I/O may not go at all, and then the pid file stays for a later stop.
    const killDeadline = Date.now() + 10_000;
    for (let left = alive(); left.length > 0; left = alive()) {
      if (Date.now() > killDeadline)
        throw new Error(`${proc.name}: processes ${left.join(', ')} still alive 10 s after SIGKILL`);
      signalGroup(pgid, 'SIGKILL');
      for (const pid of left) signalPid(pid, 'SIGKILL');
      await sleep(50);
    }
  }
  // Every process is gone, so the kernel has closed their listeners. A port still taken belongs to
  // a process that daemonised away (its parent exited before we looked) or to someone else:
  // waiting briefly covers the former; the latter is reported, since the next start fails on it.
  const portDeadline = Date.now() + 5_000;
  for (const port of ports) {
    while (!(await portFree(port)) && Date.now() < portDeadline) await sleep(100);
    if (!(await portFree(port)))
      console.warn(`${proc.name}: stopped, but port ${port} is still in use by another process`);
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
