import { afterAll, describe, expect, it } from 'vitest';
import type { TimelineCursor, TimelineEvent } from '../contracts/timeline';
import { testDbs } from '../../scripts/testing/test-db';
import type { Db } from './db';
import { history } from './history';

/**
 * The timeline's pages on PGlite and on the stack's real PostgreSQL: newest first, every event
 * exactly once however many share a time, and events stored between two page reads neither
 * repeat nor hide the older ones.
 */
const dbs = testDbs();
afterAll(() => dbs.dropAll());

const t0 = Date.parse('2026-11-22T09:00:00.000Z');
const iso = (ms: number) => new Date(ms).toISOString();
const event = (atMs: number, message: string): TimelineEvent => ({
  at: iso(atMs),
  kind: 'workers-changed',
  stageId: 'reply-consumers',
  message,
});
const twoHours = { from: new Date(t0 - 3_600_000), to: new Date(t0 + 3_600_000) };

/** The messages of the pipeline's stored events, in the order the table holds them now. */
async function stored(db: Db, pipeline: string) {
  const rows = await db.query<{ message: string }>(
    'SELECT message FROM timeline_events WHERE pipeline = $1 ORDER BY at DESC, id DESC',
    [pipeline],
  );
  return rows.map((r) => r.message);
}

/** Reads every page; `between` runs after each page but the last. */
async function readAll(
  store: ReturnType<typeof history>,
  pipeline: string,
  options: { limit?: number; from?: Date; to?: Date; between?: (page: number, next: TimelineCursor) => Promise<void> },
) {
  const seen: string[] = [];
  const sizes: number[] = [];
  let before: TimelineCursor | null = null;
  for (let page = 0; page < 1000; page++) {
    const got = await store.eventsPage(pipeline, {
      from: options.from ?? twoHours.from,
      to: options.to ?? twoHours.to,
      before,
      limit: options.limit,
    });
    seen.push(...got.events.map((e) => e.message));
    sizes.push(got.events.length);
    if (!got.next) return { seen, sizes };
    await options.between?.(page, got.next);
    before = got.next;
  }
  throw new Error('the pages never ended');
}

describe.each(['pglite', 'postgres'] as const)('timeline pages on %s', (kind) => {
  it('1,234 events, 20 to a millisecond: every one once, newest first, 100 to a page', async () => {
    const { db } = await dbs.open(kind);
    const store = history(db);
    // Stored out of time order (as a recorder catching up would), with another pipeline interleaved.
    const events = Array.from({ length: 1234 }, (_, i) => event(t0 + ((i * 7) % 62) * 1000, `e${i}`));
    await store.saveEvents('p', events);
    await store.saveEvents('other', events.slice(0, 300));
    // Ids follow the order of storing: newest first is by time, then the later stored first.
    const expected = events
      .map((e, i) => ({ ms: Date.parse(e.at), i }))
      .sort((a, b) => b.ms - a.ms || b.i - a.i)
      .map(({ i }) => `e${i}`);
    expect(await stored(db, 'p')).toEqual(expected);

    const { seen, sizes } = await readAll(store, 'p', { limit: 100 });
    expect(sizes).toEqual([...Array(12).fill(100), 34]);
    expect(seen).toEqual(expected);
    expect(new Set(seen).size).toBe(1234);
    const times = (await readAll(store, 'p', { limit: 500 })).seen.map((m) => events[Number(m.slice(1))]!.at);
    expect(times).toEqual([...times].sort().reverse());
  });

  it('events stored between page reads (newer, tied with the page end, older) repeat and hide nothing', async () => {
    const { db } = await dbs.open(kind);
    const store = history(db);
    await store.saveEvents(
      'p',
      Array.from({ length: 1234 }, (_, i) => event(t0 + Math.floor(i / 40) * 10, `orig${i}`)),
    );
    const before = await stored(db, 'p');
    const added: { newer: string[]; tied: string[]; older: string[] } = { newer: [], tied: [], older: [] };
    const { seen } = await readAll(store, 'p', {
      limit: 100,
      between: async (page, next) => {
        const cursorMs = Math.floor(next.atUs / 1000);
        const batch = [
          event(t0 + 60_000 + page, `newer${page}`),
          // The same time as the page's last event, stored after it: a higher id, so on the newer side.
          event(cursorMs, `tied${page}`),
          // Older than anything read yet: the coming pages must show it, once.
          event(t0 - 1000 - page, `older${page}`),
        ];
        added.newer.push(batch[0]!.message);
        added.tied.push(batch[1]!.message);
        added.older.push(batch[2]!.message);
        await store.saveEvents('p', batch);
      },
    });
    expect(added.newer.length).toBe(12);
    expect(new Set(seen).size).toBe(seen.length);
    // Every event there before the first read, in the order they had then.
    expect(seen.filter((m) => m.startsWith('orig'))).toEqual(before);
    for (const m of [...added.newer, ...added.tied]) expect(seen).not.toContain(m);
    for (const m of added.older) expect(seen).toContain(m);
    // And the whole read is in the order the table holds now.
    const now = await stored(db, 'p');
    expect(seen).toEqual(now.filter((m) => seen.includes(m)));
    // A fresh read from the newest page sees everything.
    expect((await readAll(store, 'p', { limit: 100 })).seen).toEqual(now);
  });

  it('keeps to from/to, clamps the limit, ends exactly on a full page, and pages to the microsecond', async () => {
    const { db } = await dbs.open(kind);
    const store = history(db);
    await store.saveEvents(
      'p',
      Array.from({ length: 200 }, (_, i) => event(t0 + i * 1000, `e${i}`)),
    );
    const two = await readAll(store, 'p', { limit: 100 });
    expect(two.sizes).toEqual([100, 100]);
    const some = await readAll(store, 'p', { from: new Date(t0 + 50_000), to: new Date(t0 + 59_000), limit: 3 });
    expect(some.seen).toEqual(['e59', 'e58', 'e57', 'e56', 'e55', 'e54', 'e53', 'e52', 'e51', 'e50']);
    expect((await store.eventsPage('p', { ...twoHours, limit: 0 })).events).toHaveLength(1);
    expect((await store.eventsPage('p', { ...twoHours, limit: 10_000 })).events).toHaveLength(200);
    expect((await store.eventsPage('p', twoHours)).events).toHaveLength(100);
    expect(await store.eventsPage('nobody', twoHours)).toEqual({ events: [], next: null });

    // Times finer than JavaScript's milliseconds (written by hand here): the cursor keeps them.
    const { db: fine } = await dbs.open(kind);
    for (const [at, message] of [
      ['2026-11-22T09:00:00.000001Z', 'a'],
      ['2026-11-22T09:00:00.000002Z', 'b'],
      ['2026-11-22T09:00:00.000002Z', 'c'],
      ['2026-11-22T09:00:00.000003Z', 'd'],
      ['2026-11-22T09:00:00.000999Z', 'e'],
    ])
      await fine.query(
        "INSERT INTO timeline_events (at, pipeline, kind, stage_id, message) VALUES ($1, 'p', 'source-up', NULL, $2)",
        [at, message],
      );
    const byOne = await readAll(history(fine), 'p', { limit: 1 });
    expect(byOne.seen).toEqual(['e', 'd', 'c', 'b', 'a']);
    const first = await history(fine).eventsPage('p', { ...twoHours, limit: 1 });
    expect(first.next).toEqual({ atUs: Date.parse('2026-11-22T09:00:00.000Z') * 1000 + 999, id: 5 });
  });
});
