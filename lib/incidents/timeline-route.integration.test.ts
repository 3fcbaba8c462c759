import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { GET as readTimeline } from '@/app/api/timeline/route';
import { testDbs } from '../../scripts/testing/test-db';
import { hashToken } from '../auth/password';
import { TimelineCursorPage, type TimelineEvent } from '../contracts/timeline';
import type { App } from '../root/app';
import { auditLog } from '../store/audit-log';
import type { Db } from '../store/db';
import { history } from '../store/history';
import { incidents } from '../store/incidents';

/**
 * GET /api/timeline through the real gate and route on a fresh PGlite and on the stack's
 * PostgreSQL: newest first, a page at a time, each event and each action once (an action on the
 * page whose stretch of time holds it), a bad cursor or limit a 400 that names it, and the public
 * view for anonymous viewers. The application around the route is a stand-in put where `getApp()`
 * finds it; every response is checked against its contract (WARROOM_CHECK_RESPONSES).
 */
process.env.WARROOM_CHECK_RESPONSES = '1';
const dbs = testDbs();
afterAll(() => dbs.dropAll());

const appKey = Symbol.for('warroom.app');
const g = globalThis as Record<symbol, unknown>;
afterEach(() => {
  delete g[appKey];
});

const token = 'timeline-test-token-0123456789';
function standIn(db: Db): App {
  return {
    configFile: 'test.yaml',
    config: {
      auth: {
        sessionSecret: 'session-secret-for-the-tests-0123456789',
        anonymousRead: true,
        users: [{ name: 'bot', role: 'viewer', tokenHash: hashToken(token) }],
      },
    },
    pipeline: 'test',
    async stores() {
      return { db, audit: auditLog(db), history: history(db), incidents: incidents(db) };
    },
    redact: (text: string) => text,
  } as unknown as App;
}

async function get(app: App, query: string, as: 'token' | 'anonymous' = 'token') {
  g[appKey] = app;
  const headers = new Headers({ host: '127.0.0.1:3999' });
  if (as === 'token') headers.set('authorization', `Bearer ${token}`);
  const res = await readTimeline(new Request(`http://127.0.0.1:3999/api/timeline?${query}`, { headers }));
  return { status: res.status, body: (await res.json()) as unknown };
}

const minute = 60_000;
const t0 = Math.floor((Date.now() - 30 * minute) / 1000) * 1000;
const iso = (ms: number) => new Date(ms).toISOString();
const span = `from=${encodeURIComponent(iso(t0 - minute))}&to=${encodeURIComponent(iso(t0 + 10 * minute))}`;

async function seed(db: Db) {
  // 231 events, ten to a second: page ends fall inside runs of equal times.
  const events: TimelineEvent[] = Array.from({ length: 230 }, (_, i) => ({
    at: iso(t0 + Math.floor(i / 10) * 1000),
    kind: 'workers-changed',
    stageId: 'reply-consumers',
    message: `event ${i}`,
  }));
  events.push({ at: iso(t0 + 25_000), kind: 'source-down', stageId: null, message: 'rabbitmq down: 401 for monitor' });
  await history(db).saveEvents('test', events);
  await history(db).saveEvents('another pipeline', events.slice(0, 50));
  const audit = auditLog(db);
  // Actions at a time events share, at a page's end (18 s with 50 to a page) and a microsecond
  // after it, between events, before and after all of them: microseconds after t0.
  const times = [5_000_000, 18_000_000, 18_000_001, 7_500_000, -30_000_000, 40_000_000].map((us) => {
    const fraction = ((us % 1000) + 1000) % 1000;
    return iso(t0 + Math.floor(us / 1000)).replace('Z', `${String(fraction).padStart(3, '0')}Z`);
  });
  for (const [i, at] of times.entries()) {
    const row = await audit.begin({
      actor: 'olivia',
      actorRole: 'operator',
      action: 'scale',
      job: 'api',
      group: 'reply-consumer',
      to: 10 + i,
      reason: `action ${i}`,
      cooldownOverride: false,
      idempotencyKey: `timeline-route-${i}`,
    });
    await audit.complete(row!.id, { outcome: 'succeeded', from: 3 });
    await db.query('UPDATE audit_log SET created_at = $1 WHERE id = $2', [at, row!.id]);
  }
  return { events: events.length, actions: times.length };
}

describe.each(['pglite', 'postgres'] as const)('GET /api/timeline on %s', (kind) => {
  it('pages newest first: every event and every action once, 50 events to a page', async () => {
    const { db } = await dbs.open(kind);
    const app = standIn(db);
    const seeded = await seed(db);
    const seen: TimelineCursorPage['events'] = [];
    const warroomPerPage: number[] = [];
    let cursor: string | null = null;
    do {
      const { status, body }: { status: number; body: unknown } = await get(
        app,
        `${span}&limit=50${cursor ? `&cursor=${cursor}` : ''}`,
      );
      expect(status, JSON.stringify(body)).toBe(200);
      const page = TimelineCursorPage.parse(body);
      seen.push(...page.events);
      warroomPerPage.push(page.events.filter((e) => e.source === 'warroom').length);
      cursor = page.nextCursor;
    } while (cursor);
    expect(warroomPerPage).toEqual([50, 50, 50, 50, 31]);
    expect(seen).toHaveLength(seeded.events + seeded.actions);
    const messages = seen.map((e) => e.message);
    expect(new Set(messages).size).toBe(messages.length);
    for (let i = 0; i < seeded.actions; i++)
      expect(messages.filter((m) => m.endsWith(`Reason: action ${i}`))).toHaveLength(1);
    const times = seen.map((e) => e.at);
    expect(times).toEqual([...times].sort().reverse());
    // Equal times: what people did first (the reverse of the oldest-first timeline), then events, later stored first.
    expect(messages.slice(0, 3)).toEqual([
      expect.stringContaining('action 5'),
      'rabbitmq down: 401 for monitor',
      'event 229',
    ]);
    expect(seen[0]!.link).toBe(`/?at=${encodeURIComponent(seen[0]!.at)}`);

    const all = TimelineCursorPage.parse((await get(app, `${span}&limit=500`)).body);
    expect(all.events.map((e) => e.message)).toEqual(messages);
    expect(all.nextCursor).toBeNull();
    // The default: the last hour, 100 events.
    const latest = TimelineCursorPage.parse((await get(app, '')).body);
    expect(latest.events.filter((e) => e.source === 'warroom')).toHaveLength(100);
    expect(latest.nextCursor).not.toBeNull();
  });

  it('answers a bad cursor or limit with a 400 naming it, and anonymous viewers with the public view', async () => {
    const { db } = await dbs.open(kind);
    const app = standIn(db);
    await seed(db);
    for (const [query, field] of [
      ['cursor=not-a-cursor!', 'cursor'],
      [`cursor=${btoa('1.0')}`, 'cursor'],
      ['cursor=', 'cursor'],
      [`cursor=${'A'.repeat(200)}`, 'cursor'],
      ['limit=0', 'limit'],
      ['limit=501', 'limit'],
      ['limit=ten', 'limit'],
    ]) {
      const { status, body } = await get(app, query!);
      expect(status, query).toBe(400);
      expect(body, query).toMatchObject({ error: { code: 'invalid', message: expect.stringMatching(`^${field}: `) } });
    }
    const first = TimelineCursorPage.parse((await get(app, `${span}&limit=10`)).body);
    const full = first.events.find((e) => e.kind === 'source-down');
    expect(full?.message).toBe('rabbitmq down: 401 for monitor');
    const anonymous = await get(app, `${span}&limit=10&cursor=${first.nextCursor}`, 'anonymous');
    expect(anonymous.status).toBe(200);
    const publicFirst = TimelineCursorPage.parse((await get(app, `${span}&limit=10`, 'anonymous')).body);
    expect(publicFirst.events.find((e) => e.kind === 'source-down')?.message).toBe('rabbitmq down.');
  });
});
