import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { POST as signIn } from '@/app/api/auth/sign-in/route';
import { POST as signOutEveryone } from '@/app/api/auth/sign-out-everyone/route';
import { POST as signOut } from '@/app/api/auth/sign-out/route';
import { GET as stream } from '@/app/api/stream/route';
import { GET as readAudit } from '@/app/api/audit/route';
import { testDbs } from '../../scripts/testing/test-db';
import { HashSlots } from '../auth/hash-slots';
import { hashPasswordSync } from '../auth/password';
import { createSessionValue } from '../auth/session';
import { SignInLimiter } from '../auth/sign-in-limiter';
import type { WarroomConfig } from '../config/schema';
import { actionOk } from '../contracts/result';
import type { Snapshot } from '../contracts/snapshot';
import { LiveFeed } from '../replicas/live-feed';
import { auditLog } from '../store/audit-log';
import type { Db } from '../store/db';
import { history } from '../store/history';
import { incidents } from '../store/incidents';
import { sessionStore } from '../store/sessions';
import { ChangeBus, type App } from './app';
import { route } from './gate';
import { StreamSlots } from './stream-slots';

/**
 * Revocable sessions through the request gate and the real routes (sign-in, sign-out, sign out
 * everyone, the event stream), on an application whose store is a fresh PGlite or a fresh database
 * on the stack's PostgreSQL. The application is a stand-in (configuration, store, live feed,
 * change bus) put where `getApp()` finds it; everything from the gate down is the real code.
 */
const dbs = testDbs();
afterAll(() => dbs.dropAll());

const secret = 'session-secret-for-the-tests-0123456789';
const passwords = { ada: 'ada-password', olivia: 'olivia-password', victor: 'victor-password' };
const users = [
  { name: 'ada', role: 'admin', passwordHash: hashPasswordSync(passwords.ada) },
  { name: 'olivia', role: 'operator', passwordHash: hashPasswordSync(passwords.olivia) },
  { name: 'victor', role: 'viewer', passwordHash: hashPasswordSync(passwords.victor) },
] as const;

const appKey = Symbol.for('warroom.app');
const slotsKey = Symbol.for('warroom.stream-slots');
const g = globalThis as Record<symbol, unknown>;
afterEach(() => {
  delete g[appKey];
  delete g[slotsKey];
});

const snapshot = (n: number, padBytes = 0) =>
  ({ generatedAt: new Date(1_700_000_000_000 + n).toISOString(), n, pad: 'x'.repeat(padBytes) }) as unknown as Snapshot;

function fakeApp(db: Db | null, options: { anonymousRead?: boolean } = {}) {
  const live = new LiveFeed(snapshot(0));
  const changes = new ChangeBus();
  const app = {
    configFile: 'test.yaml',
    config: { auth: { sessionSecret: secret, anonymousRead: options.anonymousRead ?? false, users } },
    pipeline: 'test',
    live: Object.assign(live, { series: null }),
    changes,
    async stores() {
      if (!db) throw new Error('connect ECONNREFUSED 127.0.0.1:1');
      return { db, audit: auditLog(db), history: history(db), incidents: incidents(db) };
    },
    redact: (text: string) => text,
    signIns: { limiter: new SignInLimiter(), slots: new HashSlots() },
  };
  return { app: app as unknown as App & { config: WarroomConfig }, live, changes };
}

const base = 'http://127.0.0.1:3999';
function request(
  path: string,
  init: {
    method?: string;
    cookie?: string;
    origin?: string | null;
    body?: unknown;
    headers?: Record<string, string>;
  } = {},
) {
  const headers = new Headers({ host: '127.0.0.1:3999', ...init.headers });
  if (init.origin !== null) headers.set('origin', init.origin ?? base);
  if (init.cookie) headers.set('cookie', init.cookie);
  if (init.body !== undefined) headers.set('content-type', 'application/json');
  return new Request(`${base}${path}`, {
    method: init.method ?? 'GET',
    headers,
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  });
}

/** Runs a route handler on `app` (what `getApp()` answers while the handler starts). */
function on<T>(app: App, call: () => Promise<T>): Promise<T> {
  g[appKey] = app;
  return call();
}

const signedIn = async (app: App, name: keyof typeof passwords) => {
  const res = await on(app, () =>
    signIn(request('/api/auth/sign-in', { method: 'POST', body: { name, password: passwords[name] } })),
  );
  expect(res.status).toBe(200);
  return res.headers.get('set-cookie')!.split(';')[0]!;
};

// A read and a write through the gate, as every route declares them.
const readAnything = route({ name: 'reading', access: 'read' }, ({ user }) => actionOk({ name: user!.name }));
const writeSomething = route({ name: 'writing', access: 'operator', body: z.object({}) }, ({ user }) =>
  actionOk({ name: user!.name }),
);
const read = (app: App, cookie?: string) => on(app, () => readAnything(request('/api/x', { cookie })));
const write = (app: App, cookie?: string) =>
  on(app, () => writeSomething(request('/api/x', { method: 'POST', cookie, body: {} })));
const errorCode = async (res: Response) => ((await res.json()) as { error: { code: string } }).error.code;

/** A reader of server-sent events: waits for what it expects, or for the server to close the stream. */
function events(res: Response) {
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let text = '';
  let done = false;
  // A read the deadline overtook is kept for the next call: its chunk is not lost.
  let pending: Promise<ReadableStreamReadResult<Uint8Array>> | null = null;
  const readFor = async (deadline: number) => {
    pending ??= reader.read();
    let timer: NodeJS.Timeout | undefined;
    const next = await Promise.race([
      pending,
      new Promise<null>((r) => (timer = setTimeout(() => r(null), Math.max(1, deadline - Date.now())))),
    ]);
    clearTimeout(timer);
    if (next === null) return false;
    pending = null;
    done ||= next.done;
    if (next.value) text += decoder.decode(next.value, { stream: true });
    return true;
  };
  return {
    /** The text received so far once `until` holds for it (or the time is up, or the stream ended). */
    async until(until: (text: string) => boolean, timeoutMs = 5000): Promise<string> {
      const deadline = Date.now() + timeoutMs;
      while (!until(text) && !done && Date.now() < deadline && (await readFor(deadline)));
      return text;
    },
    /** Whether the server closes the stream within `timeoutMs`, whatever it sends before. */
    async ends(timeoutMs: number): Promise<boolean> {
      const deadline = Date.now() + timeoutMs;
      while (!done && Date.now() < deadline && (await readFor(deadline)));
      return done;
    },
    cancel: () => reader.cancel(),
  };
}

describe.each(['pglite', 'postgres'] as const)('sessions through the gate on %s', (kind) => {
  const setup = async (options: { anonymousRead?: boolean } = {}) => fakeApp((await dbs.open(kind)).db, options);

  it('signing out ends the session on the server: a copy of the cookie is refused, other sessions hold', async () => {
    const { app } = await setup();
    const cookie = await signedIn(app, 'olivia');
    const otherTab = await signedIn(app, 'olivia');
    expect(cookie).not.toBe(otherTab);
    expect((await read(app, cookie)).status).toBe(200);
    expect((await write(app, cookie)).status).toBe(200);
    expect((await on(app, () => readAudit(request('/api/audit', { cookie })))).status).toBe(200);

    const res = await on(app, () => signOut(request('/api/auth/sign-out', { method: 'POST', cookie })));
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ok: true, ended: 'session' });
    expect(res.headers.get('set-cookie')).toMatch(/^warroom_session=; .*Max-Age=0/);

    // The copied cookie: a stranger now, for reads, writes and the real routes alike.
    const copied = await read(app, cookie);
    expect(copied.status).toBe(401);
    expect(await errorCode(copied)).toBe('unauthenticated');
    expect((await write(app, cookie)).status).toBe(401);
    expect((await on(app, () => readAudit(request('/api/audit', { cookie })))).status).toBe(401);
    expect((await read(app, otherTab)).status).toBe(200);
    // Signing out again with it is harmless.
    expect((await on(app, () => signOut(request('/api/auth/sign-out', { method: 'POST', cookie })))).status).toBe(200);
  });

  it('refuses a cross-site sign-out (by Origin or by Sec-Fetch-Site), and the session holds', async () => {
    const { app } = await setup();
    const cookie = await signedIn(app, 'olivia');
    for (const init of [
      { origin: 'http://evil.example' },
      { origin: 'null' },
      { origin: null, headers: { 'sec-fetch-site': 'cross-site' } },
      { origin: null, headers: { 'sec-fetch-site': 'same-site' } },
    ]) {
      const res = await on(app, () => signOut(request('/api/auth/sign-out', { method: 'POST', cookie, ...init })));
      expect(res.status, JSON.stringify(init)).toBe(403);
      expect(await errorCode(res)).toBe('forbidden');
      expect(res.headers.get('set-cookie')).toBeNull();
    }
    for (const path of ['/api/auth/sign-out?everywhere=1', '/api/auth/sign-out-everyone']) {
      const handler = path.includes('everyone') ? signOutEveryone : signOut;
      const admin = await signedIn(app, 'ada');
      const res = await on(app, () =>
        handler(
          request(path, {
            method: 'POST',
            cookie: admin,
            origin: 'http://evil.example',
            body: { reason: 'x'.repeat(5) },
          }),
        ),
      );
      expect(res.status, path).toBe(403);
      expect((await read(app, admin)).status).toBe(200);
    }
    expect((await read(app, cookie)).status).toBe(200);
  });

  it('signing out everywhere ends every session of that user and no one else', async () => {
    const { app } = await setup();
    const [laptop, phone, ada] = [
      await signedIn(app, 'olivia'),
      await signedIn(app, 'olivia'),
      await signedIn(app, 'ada'),
    ];
    const res = await on(app, () =>
      signOut(request('/api/auth/sign-out?everywhere=1', { method: 'POST', cookie: phone })),
    );
    expect(await res.json()).toEqual({ ok: true, ended: 'user' });
    expect((await read(app, laptop)).status).toBe(401);
    expect((await read(app, phone)).status).toBe(401);
    expect((await read(app, ada)).status).toBe(200);
    // A stale copy cannot do it again (it would sign the user's new sessions out).
    const fresh = await signedIn(app, 'olivia');
    const stale = await on(app, () =>
      signOut(request('/api/auth/sign-out?everywhere=1', { method: 'POST', cookie: laptop })),
    );
    expect(await stale.json()).toEqual({ ok: true, ended: 'none' });
    expect((await read(app, fresh)).status).toBe(200);
  });

  it('sign out everyone: admins only, with a reason; every session ends, the admin’s too; new sign-ins hold', async () => {
    const { app } = await setup();
    const [ada, olivia, victor] = [
      await signedIn(app, 'ada'),
      await signedIn(app, 'olivia'),
      await signedIn(app, 'victor'),
    ];
    const everyone = (cookie: string, body: unknown) =>
      on(app, () => signOutEveryone(request('/api/auth/sign-out-everyone', { method: 'POST', cookie, body })));

    const byOperator = await everyone(olivia, { reason: 'not mine to do' });
    expect(byOperator.status).toBe(403);
    expect(await errorCode(byOperator)).toBe('forbidden');
    expect((await everyone(ada, {})).status).toBe(400);
    expect((await everyone(ada, { reason: ' ' })).status).toBe(400);
    expect((await read(app, olivia)).status).toBe(200);
    const anonymous = await on(app, () =>
      signOutEveryone(request('/api/auth/sign-out-everyone', { method: 'POST', body: { reason: 'who am I' } })),
    );
    expect(anonymous.status).toBe(401);

    const res = await everyone(ada, { reason: 'the session secret was in a screenshot' });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { notBefore: string; by: string };
    expect(body.by).toBe('ada');
    expect(res.headers.get('set-cookie')).toMatch(/^warroom_session=; .*Max-Age=0/);
    for (const cookie of [ada, olivia, victor]) expect((await read(app, cookie)).status).toBe(401);
    expect((await write(app, olivia)).status).toBe(401);
    // Everyone signs in again, and those sessions hold.
    const again = await signedIn(app, 'olivia');
    expect((await write(app, again)).status).toBe(200);
    const [row] = await sessionStore((await app.stores()).db).cutOffs(1);
    expect(row).toMatchObject({
      userName: null,
      actor: 'ada',
      actorRole: 'admin',
      reason: 'the session secret was in a screenshot',
      notBefore: body.notBefore,
    });
  });

  it('refuses a correctly signed cookie issued before sessions had ids', async () => {
    const { app } = await setup();
    const payload = Buffer.from(JSON.stringify({ name: 'olivia', role: 'operator', exp: 9e9 })).toString('base64url');
    const { createHmac } = await import('node:crypto');
    const legacy = `warroom_session=${payload}.${createHmac('sha256', secret).update(payload).digest('base64url')}`;
    expect((await read(app, legacy)).status).toBe(401);
    const withSid = `warroom_session=${createSessionValue('olivia', 'operator', secret)}`;
    expect((await read(app, withSid)).status).toBe(200);
  });

  it('closes an open stream when its session is signed out, and the reconnect is a 401', async () => {
    const { app, live } = await setup();
    const cookie = await signedIn(app, 'olivia');
    const res = await on(app, () => stream(request('/api/stream', { cookie })));
    expect(res.status).toBe(200);
    const sse = events(res);
    expect(await sse.until((t) => t.includes('event: snapshot'))).toContain('"n":0');
    live.publish(snapshot(1));
    expect(await sse.until((t) => t.includes('"n":1'))).toContain('"n":1');

    expect((await on(app, () => signOut(request('/api/auth/sign-out', { method: 'POST', cookie })))).status).toBe(200);
    // At once on this replica: the sign-out tells its open streams.
    expect(await sse.ends(500)).toBe(true);
    const reconnect = await on(app, () => stream(request('/api/stream', { cookie })));
    expect(reconnect.status).toBe(401);
  });

  it('closes the stream of a session revoked by another replica on the next change', async () => {
    const handle = await dbs.open(kind);
    const here = fakeApp(handle.db);
    // PostgreSQL: a second pool, as another replica; PGlite (one process) shares the handle.
    const there = fakeApp(kind === 'postgres' ? await handle.reopen() : handle.db);
    const cookie = await signedIn(here.app, 'olivia');
    const res = await on(here.app, () => stream(request('/api/stream?snapshots=0', { cookie })));
    const sse = events(res);
    expect(await sse.until((t) => t.includes(': connected'))).toContain(': connected');
    expect((await on(there.app, () => signOut(request('/api/auth/sign-out', { method: 'POST', cookie })))).status).toBe(
      200,
    );
    // Within the cache's bound (1 s) the next change or keep-alive finds it revoked.
    await new Promise((r) => setTimeout(r, 1050));
    here.changes.announce({ topic: 'incident', incidentId: 7 });
    expect(await sse.ends(2000)).toBe(true);
  });

  it('caps open streams per client (429) and in total (503), and frees a slot when a stream closes', async () => {
    const { app } = await setup({ anonymousRead: true });
    g[slotsKey] = new StreamSlots({ perClient: 3, total: 5 });
    const cookie = await signedIn(app, 'victor');
    const open = (c?: string, address = '10.0.0.1') =>
      on(app, () => stream(request('/api/stream?snapshots=0', { cookie: c, headers: { 'x-forwarded-for': address } })));
    const mine = [await open(cookie), await open(cookie), await open(cookie)];
    expect(mine.map((r) => r.status)).toEqual([200, 200, 200]);
    const fourth = await open(cookie);
    expect(fourth.status).toBe(429);
    expect(fourth.headers.get('retry-after')).toBe('10');
    expect(await fourth.json()).toEqual({
      error: { code: 'rate_limited', message: expect.stringContaining('at most 3') },
    });
    // Anonymous viewers count by address; the total holds for everyone.
    expect((await open(undefined, '10.0.0.2')).status).toBe(200);
    expect((await open(undefined, '10.0.0.3')).status).toBe(200);
    const full = await open(undefined, '10.0.0.4');
    expect(full.status).toBe(503);
    expect(full.headers.get('retry-after')).toBe('15');
    expect(await errorCode(full)).toBe('unavailable');
    await mine[0]!.body!.cancel();
    const again = await open(cookie);
    expect(again.status).toBe(200);
    for (const r of [...mine.slice(1), again]) await r.body!.cancel();
  });

  it('gives a slow stream reader the latest snapshot when it reads again, not a backlog', async () => {
    const { app, live } = await setup();
    const cookie = await signedIn(app, 'olivia');
    const res = await on(app, () => stream(request('/api/stream', { cookie })));
    // 200 snapshots of 20 KB while the client reads nothing: 4 MB if they queued.
    for (let n = 1; n <= 200; n++) live.publish(snapshot(n, 20_000));
    const sse = events(res);
    const text = await sse.until((t) => t.includes('"n":200'));
    const seen = [...text.matchAll(/"n":(\d+)/g)].map((m) => Number(m[1]));
    expect(seen.at(-1)).toBe(200);
    expect(seen.length).toBeLessThan(10);
    expect(seen).toEqual([...seen].sort((a, b) => a - b));
    await sse.cancel();
  });
});

describe('when the store does not answer', () => {
  it('fails closed for sessions (503 for reads and writes, the sign-out kept) and leaves anonymous viewers be', async () => {
    const { app } = fakeApp(null, { anonymousRead: true });
    const cookie = await signedIn(app, 'olivia');
    for (const res of [await read(app, cookie), await write(app, cookie)]) {
      expect(res.status).toBe(503);
      expect(res.headers.get('retry-after')).toBe('2');
      expect(await errorCode(res)).toBe('store_unavailable');
    }
    const anonymous = await read(app);
    expect(anonymous.status).toBe(200);
    expect(await anonymous.json()).toEqual({ name: 'anonymous' });
    const out = await on(app, () => signOut(request('/api/auth/sign-out', { method: 'POST', cookie })));
    expect(out.status).toBe(503);
    expect(await errorCode(out)).toBe('store_unavailable');
    // The cookie stays so that signing out can be tried again.
    expect(out.headers.get('set-cookie')).toBeNull();
    const everyone = await on(app, () =>
      signOutEveryone(
        request('/api/auth/sign-out-everyone', {
          method: 'POST',
          cookie: `warroom_session=${createSessionValue('ada', 'admin', secret)}`,
          body: { reason: 'store down' },
        }),
      ),
    );
    expect(everyone.status).toBe(503);
  });
});
