import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import net from 'node:net';
import { ensureDir, type StackLayout } from './paths';
import { managed, runningPid, startDetached, stopManaged, waitUntilReady } from './processes';
import { stackSecrets } from './secrets';

export function postgresProcess(layout: StackLayout) {
  return managed(layout.stateDir, 'postgres');
}

export function postgresUrl(layout: StackLayout): string {
  const s = stackSecrets(layout);
  return `postgres://warroom:${s.postgresPassword}@127.0.0.1:${layout.ports.postgres}/warroom`;
}

function postgresBinDir(): string {
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root) ? readdirSync(root).filter((v) => /^\d+$/.test(v)) : [];
  const newest = versions.sort((a, b) => Number(b) - Number(a))[0];
  if (!newest)
    throw new Error('PostgreSQL is not installed (no /usr/lib/postgresql/<version>); run scripts/provision.sh');
  return path.join(root, newest, 'bin');
}

/** PostgreSQL refuses to run as root, so as root it runs as the package's `postgres` user. */
function runAs(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const uid = Number(execFileSync('id', ['-u', 'postgres']).toString().trim());
  const gid = Number(execFileSync('id', ['-g', 'postgres']).toString().trim());
  return { uid, gid };
}

function chownTree(dir: string, owner: { uid: number; gid: number } | undefined): void {
  if (owner) execFileSync('chown', ['-R', `${owner.uid}:${owner.gid}`, dir]);
}

function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port }, () => {
      socket.end();
      resolve(true);
    });
    socket.on('error', () => resolve(false));
  });
}

export async function startPostgres(layout: StackLayout): Promise<void> {
  const proc = postgresProcess(layout);
  const dir = ensureDir(path.join(layout.stateDir, 'postgres'));
  const dataDir = path.join(dir, 'data');
  const socketDir = ensureDir(path.join(dir, 'socket'));
  const owner = runAs();
  const bin = postgresBinDir();
  const ready = async () => {
    if (!(await portOpen(layout.ports.postgres))) return false;
    execFileSync(path.join(bin, 'pg_isready'), ['-h', '127.0.0.1', '-p', String(layout.ports.postgres), '-q']);
    return true;
  };
  if (runningPid(proc) !== null) {
    await waitUntilReady(proc, ready, 30_000);
    return;
  }
  if (!existsSync(path.join(dataDir, 'PG_VERSION'))) {
    const s = stackSecrets(layout);
    ensureDir(dataDir);
    const pwFile = path.join(dir, 'pwfile');
    writeFileSync(pwFile, `${s.postgresPassword}\n`, { mode: 0o600 });
    chownTree(dir, owner);
    execFileSync(
      path.join(bin, 'initdb'),
      [
        '-D',
        dataDir,
        '-U',
        'warroom',
        `--pwfile=${pwFile}`,
        '--auth-local=trust',
        '--auth-host=scram-sha-256',
        '-E',
        'UTF8',
      ],
      { stdio: 'pipe', ...(owner ?? {}) },
    );
    // The database named in the URL; created through single-user mode so no server is needed yet.
    execFileSync(path.join(bin, 'postgres'), ['--single', '-D', dataDir, 'postgres'], {
      input: 'CREATE DATABASE warroom;\n',
      stdio: ['pipe', 'pipe', 'pipe'],
      ...(owner ?? {}),
    });
  }
  chownTree(dir, owner);
  startDetached(
    proc,
    path.join(bin, 'postgres'),
    ['-D', dataDir, '-p', String(layout.ports.postgres), '-h', '127.0.0.1', '-k', socketDir],
    owner ?? {},
  );
  await waitUntilReady(proc, ready, 30_000);
}

/** SIGINT is PostgreSQL's fast shutdown: it does not wait for clients to disconnect. */
export async function stopPostgres(layout: StackLayout): Promise<void> {
  await stopManaged(postgresProcess(layout), 20_000, 'SIGINT');
}
