import { afterAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { analyze } from '../analysis/analyze';
import { scenarioObservations } from '../analysis/fixtures';
import type { TimelineEvent } from '../contracts/timeline';
import { testDbs } from '../../scripts/testing/test-db';
import { waitFor } from '../../scripts/testing/demo-client';
import { openDb } from './db';
import { history, NotLeading } from './history';
import { pgLease, type Lease } from './lease';
import { liveStore } from './live';

/**
 * The leader's term on the real PostgreSQL: a successor takes the next term only once the last
 * leader's write in flight has landed, so where it resumes includes that write, and anything the
 * last leader writes after that is refused whole.
 */
const dbs = testDbs();
const leases: Lease[] = [];
afterAll(async () => {
  for (const l of leases) await l.close();
  await dbs.dropAll();
});

const lease = (url: string) => {
  const l = pgLease({ url, name: 'p', everyMs: 100 });
  leases.push(l);
  return l;
};
const leads = (l: Lease, what: string) =>
  waitFor(
    async () => l.role,
    (r) => r === 'leader',
    10_000,
    what,
    50,
  );
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const event = (at: string, message: string): TimelineEvent => ({
  at,
  kind: 'bottleneck-appeared',
  stageId: 'reply-consumers',
  message,
});

describe('leader terms on one PostgreSQL', () => {
  it("a leader's write in flight lands before its successor leads; the old leader's next write is refused", async () => {
    const { db, url } = await dbs.open('postgres');
    const store = history(db);
    const a = lease(url!);
    await leads(a, 'the first leader');
    const fenceA = a.fence!;
    expect(fenceA).toEqual({ name: 'p', term: 1 });

    // The write stalls inside its transaction (the snapshots table held by another session) ...
    const admin = new pg.Client({ connectionString: url! });
    await admin.connect();
    await admin.query('BEGIN');
    await admin.query('LOCK TABLE snapshots IN EXCLUSIVE MODE');
    const snapshot = analyze(scenarioObservations.replyStarvation);
    const inFlight = store.saveBatch(
      'p',
      { events: [event(snapshot.generatedAt, 'in flight')], snapshots: [{ snapshot, fingerprint: 'f1' }] },
      fenceA,
    );
    await sleep(300);
    // ... while the leader goes and another process asks for the lead.
    await a.close();
    expect(a.fence).toBeNull();
    const b = lease(url!);
    await sleep(1500);
    expect(b.role, 'no successor while the last write is in flight').not.toBe('leader');
    await admin.query('COMMIT');
    await admin.end();
    await inFlight;
    await leads(b, 'the successor');
    expect(b.fence).toEqual({ name: 'p', term: 2 });
    const resume = await liveStore(db).resumePoint('p');
    expect(resume.previous?.generatedAt).toBe(snapshot.generatedAt);

    // The old leader's next batch: neither its events nor its snapshot are stored.
    const later = { ...snapshot, generatedAt: new Date(Date.parse(snapshot.generatedAt) + 1000).toISOString() };
    await expect(
      store.saveBatch(
        'p',
        { events: [event(later.generatedAt, 'too late')], snapshots: [{ snapshot: later, fingerprint: 'f2' }] },
        fenceA,
      ),
    ).rejects.toBeInstanceOf(NotLeading);
    const events = await db.query<{ message: string }>('SELECT message FROM timeline_events ORDER BY id');
    expect(events.map((e) => e.message)).toEqual(['in flight']);
    expect(await db.query('SELECT 1 FROM snapshots')).toHaveLength(1);
    // Its successor's own writes go through.
    await store.saveBatch('p', { events: [event(later.generatedAt, 'successor')], snapshots: [] }, b.fence);
    expect(await db.query('SELECT 1 FROM timeline_events')).toHaveLength(2);
  });

  it('on a database not migrated yet, nobody leads until the migrations have run', async () => {
    const url = await dbs.emptyPostgres();
    const l = lease(url);
    await sleep(1000);
    expect(l.role).toBe('follower');
    const db = await openDb({ databaseUrl: url, dataDir: '' });
    await leads(l, 'the lead once migrated');
    expect(l.fence).toEqual({ name: 'p', term: 1 });
    await db.close();
  });
});
