import { afterAll, describe, expect, it } from 'vitest';
import { analyze } from '../analysis/analyze';
import { scenarioObservations } from '../analysis/fixtures';
import type { Snapshot } from '../contracts/snapshot';
import { testDbs } from '../../scripts/testing/test-db';
import { history } from './history';
import { incidents } from './incidents';

/** The incident store on PGlite and on the stack's real PostgreSQL: same SQL, same answers. */
const dbs = testDbs();
afterAll(() => dbs.dropAll());

const olivia = { name: 'olivia', role: 'operator' };
const t0 = Date.parse('2026-11-22T09:40:00.000Z');
const iso = (ms: number) => new Date(ms).toISOString();
const steady = analyze(scenarioObservations.steady);
const starving = analyze(scenarioObservations.replyStarvation);
const saturated = analyze(scenarioObservations.mlSaturation);
const withReply = (s: Snapshot, ready: number, p: number, atMs: number): Snapshot => ({
  ...s,
  generatedAt: iso(atMs),
  endToEnd: { ...s.endToEnd, pMs: p },
  stages: s.stages.map((st) =>
    st.id === 'reply-queue' && st.queue ? { ...st, queue: { ...st.queue, ready }, waitMs: ready * 100 } : st,
  ),
});

describe.each(['pglite', 'postgres'] as const)('incidents on %s', (kind) => {
  it('keeps an incident and its log: suggested at the event time, taken, noted, resolved; a stale change is refused and logs nothing', async () => {
    const { db } = await dbs.open(kind);
    const store = incidents(db);
    const created = await store.create({
      pipeline: 'p',
      title: 'Reply consumers bottleneck',
      severity: 'sev3',
      status: 'suggested',
      startedAt: iso(t0),
      owner: null,
      author: { name: 'warroom', role: 'system' },
      body: 'Bottleneck: Reply consumers.',
    });
    expect(created).toMatchObject({
      status: 'suggested',
      owner: null,
      openedBy: 'warroom',
      startedAt: iso(t0),
      endedAt: null,
    });
    expect(await store.active('p')).toMatchObject({ id: created.id });
    expect(await store.active('other')).toBeNull();
    expect(await store.get('p', created.id)).toMatchObject({ id: created.id });
    expect(await store.get('other', created.id)).toBeNull();

    expect(await store.change(created.id, 'status', 'suggested', 'investigating', olivia, 'taking it')).toMatchObject({
      status: 'investigating',
      endedAt: null,
    });
    // warroom changes only its own suggestions: once taken, its escalation is refused.
    expect(
      await store.change(
        created.id,
        'severity',
        'sev3',
        'sev2',
        { name: 'warroom', role: 'system' },
        'SLO breached',
        'suggested',
      ),
    ).toBeNull();
    // Someone else's view (still "suggested") is now stale: refused, and no log row for it.
    expect(await store.change(created.id, 'status', 'suggested', 'dismissed', olivia, 'too late')).toBeNull();
    expect(await store.change(created.id, 'owner', null, 'olivia', olivia)).toMatchObject({ owner: 'olivia' });
    expect(await store.note(created.id, olivia, 'ML workers idle')).toMatchObject({
      kind: 'note',
      body: 'ML workers idle',
      author: 'olivia',
    });
    expect(await store.note(999_999, olivia, 'lost?')).toBeNull();
    const resolved = await store.change(
      created.id,
      'status',
      'investigating',
      'resolved',
      olivia,
      'p90 back under 3 s',
    );
    expect(resolved?.endedAt).not.toBeNull();
    expect(await store.active('p')).toBeNull();

    const log = await store.logOf(created.id);
    expect(log.map((e) => [e.kind, e.from, e.to, e.body])).toEqual([
      ['suggested', null, 'suggested', 'Bottleneck: Reply consumers.'],
      ['status', 'suggested', 'investigating', 'taking it'],
      ['owner', null, 'olivia', ''],
      ['note', null, null, 'ML workers idle'],
      ['status', 'investigating', 'resolved', 'p90 back under 3 s'],
    ]);
    expect(log[0]!.at).toBe(iso(t0));
    expect((await store.list('p')).map((i) => i.id)).toEqual([created.id]);
  });

  it('finds the bottleneck at its worst (deepest backlog at the bottleneck) and, apart, the peak latency', async () => {
    const { db } = await dbs.open(kind);
    const h = history(db);
    await h.saveSnapshot('p', withReply(steady, 2, 1500, t0), 'a');
    await h.saveSnapshot('p', withReply(starving, 400, 7000, t0 + 10_000), 'b');
    await h.saveSnapshot('p', withReply(starving, 900, 9000, t0 + 20_000), 'c');
    // Draining after the fix: fewer waiting, but the 30 s latency window still shows the worst p90.
    await h.saveSnapshot('p', withReply(starving, 100, 25_000, t0 + 30_000), 'd');
    await h.saveSnapshot('p', withReply(saturated, 0, 4000, t0 + 40_000), 'e');
    const worst = await incidents(db).worstSnapshot('p', new Date(t0), new Date(t0 + 60_000));
    expect(worst?.at).toBe(iso(t0 + 20_000));
    expect(worst?.snapshot.bottleneck?.stageId).toBe('reply-consumers');
    expect(await incidents(db).peakLatency('p', new Date(t0), new Date(t0 + 60_000))).toEqual({
      at: iso(t0 + 30_000),
      pMs: 25_000,
      sloMs: 3000,
      quantile: 0.9,
    });
    expect(await incidents(db).worstSnapshot('p', new Date(t0 - 60_000), new Date(t0 + 5000))).toBeNull();
  });

  it('finds them by walking their indexes once the store is pruned, a worse moment outside the window skipped', async () => {
    const { db } = await dbs.open(kind);
    const h = history(db);
    // A day at one snapshot a minute, with a worse bottleneck and a higher latency an hour before
    // the incident's window (the scan passes them in the index), and an old one to prune.
    const dayStart = t0 - 24 * 3_600_000;
    const batch = Array.from({ length: 1440 }, (_, i) => {
      const atMs = dayStart + i * 60_000;
      const before = i >= 600 && i < 660;
      const inside = i >= 720;
      const ready = before ? 5000 + i : inside ? 100 + (i % 300) : 0;
      const p = before ? 60_000 + i : inside ? 4000 + (i % 300) * 10 : 1500;
      return { snapshot: withReply(ready ? starving : steady, ready, p, atMs), fingerprint: `f${i}` };
    });
    for (let i = 0; i < batch.length; i += 200) await h.saveSnapshots('p', batch.slice(i, i + 200));
    await h.saveSnapshot('p', withReply(starving, 9999, 99_000, dayStart - 3_600_000), 'old');
    await h.prune('p', new Date(dayStart - 60_000));
    // PGlite has no autovacuum: prune analysed the table. PostgreSQL's autovacuum would, in its time.
    if (kind === 'postgres') await db.query('ANALYZE snapshots');
    const [{ n }] = (await db.query<{ n: number }>(
      `SELECT reltuples::int AS n FROM pg_class WHERE relname = 'snapshots'`,
    )) as [{ n: number }];
    expect(n).toBe(1440);

    const from = new Date(dayStart + 720 * 60_000);
    const to = new Date(t0);
    // The worst: the deepest backlog inside (100 + 299, first at minute 899), not the hour before.
    const worst = await incidents(db).worstSnapshot('p', from, to);
    expect(worst?.at).toBe(iso(dayStart + 899 * 60_000));
    expect((await incidents(db).peakLatency('p', from, to))?.pMs).toBe(4000 + 2990);
    // How: each query walks its own ordered index, never the window's rows (1,440 bodies here, 17,280 a day at 5 s).
    const plan = async (sql: string) =>
      (await db.query<{ 'QUERY PLAN': string }>(`EXPLAIN ${sql}`, ['p', from.toISOString(), to.toISOString()]))
        .map((r) => r['QUERY PLAN'])
        .join('\n');
    expect(
      await plan(
        `SELECT id FROM snapshots WHERE pipeline = $1 AND at >= $2 AND at <= $3 AND bottleneck_rank IS NOT NULL ORDER BY bottleneck_rank DESC, e2e_ms DESC NULLS LAST, at ASC LIMIT 1`,
      ),
    ).toMatch(/Index Scan using snapshots_worst/);
    expect(
      await plan(
        `SELECT id FROM snapshots WHERE pipeline = $1 AND at >= $2 AND at <= $3 AND e2e_ms IS NOT NULL ORDER BY e2e_ms DESC, at ASC LIMIT 1`,
      ),
    ).toMatch(/Index Scan using snapshots_peak/);
  });
});
