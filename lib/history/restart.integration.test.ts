import { afterAll, describe, expect, it } from 'vitest';
import { analyze } from '../analysis/analyze';
import { scenarioObservations } from '../analysis/fixtures';
import type { Snapshot } from '../contracts/snapshot';
import { startPostgres, stackLayout, stopPostgres } from '../../scripts/stack';
import { testDbs } from '../../scripts/testing/test-db';
import { history } from '../store/history';
import { incidents } from '../store/incidents';
import { HistoryRecorder } from './recorder';

/**
 * The store going away under a running recorder: PostgreSQL stopped and started again (the
 * stack's real server), PGlite closed and reopened (a dashboard restart). Nothing the recorder
 * derived is lost: events and snapshots are held while the store is down and written after.
 */
const layout = stackLayout('test');
const dbs = testDbs();
afterAll(async () => {
  await startPostgres(layout);
  await dbs.dropAll();
});

const steady = analyze(scenarioObservations.steady);
const starving = analyze(scenarioObservations.replyStarvation);
const t0 = Date.now() - 60 * 60_000;
/** A pipeline that goes bad and recovers every 6 samples, with the reply queue depth moving. */
function sample(i: number): Snapshot {
  const bad = i % 12 >= 6;
  const base = bad ? starving : steady;
  return {
    ...base,
    generatedAt: new Date(t0 + i * 2000).toISOString(),
    stages: base.stages.map((st) =>
      st.id === 'reply-queue' && st.queue ? { ...st, queue: { ...st.queue, ready: bad ? 100 + i : i % 3 } } : st,
    ),
  };
}

async function countRows(db: Awaited<ReturnType<ReturnType<typeof testDbs>['open']>>['db']) {
  const [e] = await db.query<{ n: string | number }>('SELECT count(*) AS n FROM timeline_events');
  const [s] = await db.query<{ n: string | number }>('SELECT count(*) AS n FROM snapshots');
  return { events: Number(e!.n), snapshots: Number(s!.n) };
}

describe('the history across a store restart', () => {
  it('PostgreSQL: stopped and started under a running recorder, loses no event and no snapshot', async () => {
    const { db } = await dbs.open('postgres');
    const kept = await incidents(db).create({
      pipeline: 'p',
      title: 'before the restart',
      severity: 'sev2',
      status: 'investigating',
      startedAt: new Date(t0).toISOString(),
      owner: 'olivia',
      author: { name: 'olivia', role: 'operator' },
    });
    const recorder = new HistoryRecorder(history(db), 'p', { everyMs: 1000, retentionHours: 48 });
    let i = 0;
    const record = async (n: number) => {
      for (const end = i + n; i < end; i++) await recorder.record(sample(i), t0 + i * 2000);
    };
    await record(24);
    expect(recorder.pending).toEqual({ events: 0, snapshots: 0 });
    await stopPostgres(layout);
    await record(24);
    expect(recorder.lastError).not.toBeNull();
    expect(recorder.pending.events).toBeGreaterThan(0);
    await startPostgres(layout);
    // The pool reconnects by itself; the held rows go out with the next snapshots.
    for (
      let tries = 0;
      tries < 20 && (recorder.pending.events > 0 || recorder.pending.snapshots > 0 || recorder.lastError);
      tries++
    )
      await record(1);
    expect(recorder.pending).toEqual({ events: 0, snapshots: 0 });
    expect(recorder.dropped).toBe(0);

    const rows = await countRows(db);
    expect(rows.events).toBe(recorder.storedEvents);
    expect(rows.snapshots).toBe(recorder.storedCount);
    // Every transition of the 4+ cycles is there, including those derived while the server was down.
    const kinds = (await history(db).events('p', new Date(t0 - 1000), new Date(t0 + i * 2000))).map((e) => e.kind);
    const appeared = kinds.filter((k) => k === 'bottleneck-appeared').length;
    expect(appeared).toBe(Math.ceil((i - 6) / 12));
    expect(kinds.filter((k) => k === 'bottleneck-cleared').length).toBe(Math.floor((i - 0) / 12));
    expect(await incidents(db).get('p', kept.id)).toMatchObject({ title: 'before the restart' });
  });

  it('PGlite: closed and reopened, keeps what was stored', async () => {
    const { db, reopen } = await dbs.open('pglite');
    const recorder = new HistoryRecorder(history(db), 'p', { everyMs: 1000, retentionHours: 48 });
    for (let i = 0; i < 30; i++) await recorder.record(sample(i), t0 + i * 2000);
    const before = await countRows(db);
    expect(before).toEqual({ events: recorder.storedEvents, snapshots: recorder.storedCount });
    await db.close();
    const again = await reopen();
    expect(await countRows(again)).toEqual(before);
    expect((await history(again).snapshotAt('p', new Date(t0 + 15_000)))?.snapshot.bottleneck?.stageId).toBe(
      'reply-consumers',
    );
  });
});
