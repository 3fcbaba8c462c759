import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  chmodSync,
  chownSync,
  existsSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readlinkSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
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

interface Owner {
  uid: number;
  gid: number;
}

/** PostgreSQL refuses to run as root, so as root it runs as the package's `postgres` user. */
function runAs(): Owner | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const uid = Number(execFileSync('id', ['-u', 'postgres']).toString().trim());
  const gid = Number(execFileSync('id', ['-g', 'postgres']).toString().trim());
  return { uid, gid };
}

/**
 * Asks the kernel, as `owner`, whether `dir` passes `test <flag>` (-x: reach it, every folder above
 * included; -w: create in it). Guessing from modes would miss ACLs, groups and mount options; this
 * is the same check the server's own open() will meet, with the same uid, gid and no extra groups.
 */
function ownerCan(owner: Owner, flag: '-x' | '-w', dir: string): boolean {
  return spawnSync('test', [flag, dir], { uid: owner.uid, gid: owner.gid, stdio: 'ignore' }).status === 0;
}

/** Makes `dir` a folder only `owner` can enter; refuses one that someone else planted in the shared temp folder. */
function ensurePrivateDir(dir: string, owner: Owner): void {
  const stat = lstatSync(dir, { throwIfNoEntry: false });
  if (!stat) mkdirSync(dir, { mode: 0o700 });
  else if (!stat.isDirectory() || (stat.uid !== owner.uid && stat.uid !== 0))
    throw new Error(`${dir} is not a folder warroom made (a link, or owned by uid ${stat.uid}); remove it`);
  chownSync(dir, owner.uid, owner.gid);
  chmodSync(dir, 0o700);
}

/**
 * PostgreSQL's own folder (data, socket, initdb's pwfile): `<stateDir>/postgres`, unless the server
 * runs as another user (root runs it as `postgres`) who cannot reach the state folder, as with a
 * checkout under /root or in any private (0700) folder. Then it lives in the temp folder, named by
 * a hash of the state folder, and `<stateDir>/postgres` is a symlink to it: later starts and stops
 * follow the link, and a person looking in the state folder finds the data.
 */
export function postgresDir(layout: StackLayout): string {
  const link = path.join(layout.stateDir, 'postgres');
  return lstatSync(link, { throwIfNoEntry: false })?.isSymbolicLink() ? readlinkSync(link) : link;
}

function preparePostgresDir(layout: StackLayout, owner: Owner | undefined): string {
  const inState = path.join(layout.stateDir, 'postgres');
  const stat = lstatSync(inState, { throwIfNoEntry: false });
  if (owner && stat?.isSymbolicLink()) {
    // Recreated when the temp folder was cleared (a reboot): initdb runs again with the same password.
    const outside = readlinkSync(inState);
    ensurePrivateDir(outside, owner);
    return outside;
  }
  if (!owner || ownerCan(owner, '-x', ensureDir(layout.stateDir))) return ensureDir(inState);
  const hash = createHash('sha256').update(layout.stateDir).digest('hex').slice(0, 16);
  const outside = path.join(tmpdir(), `warroom-postgres-${hash}`);
  const found = lstatSync(outside, { throwIfNoEntry: false });
  if (found) {
    if (!found.isDirectory() || (found.uid !== owner.uid && found.uid !== 0))
      throw new Error(`${outside} is not a folder warroom made (a link, or owned by uid ${found.uid}); remove it`);
    // No link led to it, so it was made for an earlier state folder at this path, since removed:
    // its password went with that folder's secrets.json, so its data cannot be used.
    rmSync(outside, { recursive: true });
  }
  // Data made while the checkout was reachable is moved, not lost (mv keeps owners and modes).
  if (stat?.isDirectory()) execFileSync('mv', ['-T', inState, outside]);
  ensurePrivateDir(outside, owner);
  symlinkSync(outside, inState);
  return outside;
}

function chownTree(dir: string, owner: Owner | undefined): void {
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
  const dir = preparePostgresDir(layout, owner);
  const dataDir = ensureDir(path.join(dir, 'data'));
  const socketDir = ensureDir(path.join(dir, 'socket'));
  const pwFile = path.join(dir, 'pwfile');
  // Left by a start that died during initdb (or by older versions, which kept it).
  rmSync(pwFile, { force: true });
  chownTree(dir, owner);
  // The folder holds the password file while initdb runs and the server's socket after.
  chmodSync(dir, 0o700);
  if (owner) {
    const unreachable = [dataDir, socketDir].filter((d) => !ownerCan(owner, '-w', d));
    if (unreachable.length > 0)
      throw new Error(`PostgreSQL runs as uid ${owner.uid}, who cannot write to ${unreachable.join(', ')}`);
  }
  // The server's user may not be able to enter our working directory (the checkout); initdb's
  // startup goes back to it and fails there, so every PostgreSQL program starts in its own folder.
  const asOwner = { cwd: dir, ...(owner ?? {}) };
  if (!existsSync(path.join(dataDir, 'PG_VERSION'))) {
    const s = stackSecrets(layout);
    writeFileSync(pwFile, `${s.postgresPassword}\n`, { mode: 0o600 });
    if (owner) chownSync(pwFile, owner.uid, owner.gid);
    try {
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
        { stdio: 'pipe', ...asOwner },
      );
    } finally {
      rmSync(pwFile, { force: true });
    }
    // The database named in the URL; created through single-user mode so no server is needed yet.
    execFileSync(path.join(bin, 'postgres'), ['--single', '-D', dataDir, 'postgres'], {
      input: 'CREATE DATABASE warroom;\n',
      stdio: ['pipe', 'pipe', 'pipe'],
      ...asOwner,
    });
  }
  startDetached(
    proc,
    path.join(bin, 'postgres'),
    ['-D', dataDir, '-p', String(layout.ports.postgres), '-h', '127.0.0.1', '-k', socketDir],
    asOwner,
  );
  await waitUntilReady(proc, ready, 30_000);
}

/** SIGINT is PostgreSQL's fast shutdown: it does not wait for clients to disconnect. */
export async function stopPostgres(layout: StackLayout): Promise<void> {
  await stopManaged(postgresProcess(layout), 20_000, 'SIGINT', [layout.ports.postgres]);
}
