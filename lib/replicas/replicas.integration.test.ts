import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { dashboardEnv, stackLayout, startPostgres, stopPostgres } from '../../scripts/stack';
import { setScenario } from '../../scripts/stack/pipeline';
import { resetPipeline, waitFor } from '../../scripts/testing/demo-client';
import { testDbs } from '../../scripts/testing/test-db';
import { repeatedStates } from '../../scripts/testing/timeline-checks';
import { loadConfigFile } from '../config/load-config';
import type { Change } from '../contracts/change';
import type { Snapshot } from '../contracts/snapshot';
import { auditLog } from '../store/audit-log';
import { openDb, type Db } from '../store/db';
import { history } from '../store/history';
import { incidents } from '../store/incidents';
import { pgLease } from '../store/lease';
import { liveStore } from '../store/live';
import { Replica } from './replica';

/**
 * Several replicas on one real PostgreSQL, polling the test stack's real sources: exactly one
 * leads, the others serve its snapshots within a second and hear every change; when the leader
 * goes, another takes over within two poll intervals and the timeline says nothing twice.
 */
const layout = stackLayout('test');
const dbs = testDbs();
const env = dashboardEnv(layout);
const config = loadConfigFile(env.WARROOM_CONFIG!, { ...process.env, ...env });
const pollMs = config.polling.managementMs;
const running: Array<{ stop: () => Promise<void> }> = [];

beforeAll(async () => {
  await resetPipeline(layout);
});
afterAll(async () => {
  for (const r of running) await r.stop().catch(() => undefined);
  await resetPipeline(layout);
  await dbs.dropAll();
});

function startReplica(url: string) {
  let opening: Promise<Db> | null = null;
  // As the app does: a failed opening is not kept, the next call tries again.
  const db = () =>
    (opening ??= openDb({ databaseUrl: url, dataDir: '' }).catch((err: unknown) => {
      opening = null;
      throw err;
    }));
  const heard: Change[] = [];
  const arrivals: Array<{ at: string; ms: number }> = [];
  const lease = pgLease({ url, name: config.pipeline.name, everyMs: 250 });
  const roles: Array<{ leading: boolean; role: string; ms: number }> = [];
  lease.onRole((role) => roles.push({ leading: role === 'leader', role, ms: Date.now() }));
  const replica: Replica = new Replica({
    config,
    lease,
    series: null,
    incidentDeps: async () => {
      const d = await db();
      return {
        pipeline: config.pipeline.name,
        retentionHours: config.history.retentionHours,
        users: [],
        incidents: incidents(d),
        history: history(d),
        audit: auditLog(d),
        announce: (c) => replica.announce(c),
      };
    },
    liveStore: async () => liveStore(await db()),
    shared: true,
    localChanges: (c) => heard.push(c),
  });
  replica.live.subscribe((s: Snapshot) => arrivals.push({ at: s.generatedAt, ms: Date.now() }));
  const handle = {
    replica,
    heard,
    arrivals,
    roles,
    stopped: false,
    stop: async () => {
      if (handle.stopped) return;
      handle.stopped = true;
      await replica.stop();
      await (await db()).close();
    },
  };
  running.push(handle);
  return handle;
}
type Handle = ReturnType<typeof startReplica>;

/** The check's first truthy answer, asked every 50 ms (waitFor). */
const until = <T>(what: string, check: () => T | null | undefined | false, timeoutMs: number) =>
  waitFor(async () => check(), Boolean, timeoutMs, what, 50) as Promise<T>;

const leaders = (hs: Handle[]) => hs.filter((h) => !h.stopped && h.replica.leading);

describe('replicas on one PostgreSQL', () => {
  it('one leads; the others serve each of its snapshots within a second and hear every change', async () => {
    const { url } = await dbs.open('postgres');
    const hs = [startReplica(url!), startReplica(url!), startReplica(url!)];
    const [leader] = await until('one leader', () => (leaders(hs).length === 1 ? leaders(hs) : null), 10_000);
    const followers = hs.filter((h) => h !== leader);
    // Ten seconds of the leader's snapshots (about 2 a second), each looked for at every follower.
    const from = Date.now();
    await new Promise((r) => setTimeout(r, 10_000));
    expect(leaders(hs)).toEqual([leader]);
    const published = leader!.arrivals.filter((a) => a.ms >= from && a.ms < Date.now() - 1500);
    expect(published.length).toBeGreaterThan(10);
    const delays: number[] = [];
    for (const f of followers)
      for (const p of published) {
        const got = f.arrivals.find((a) => a.at >= p.at);
        expect(got, `${p.at} reached a follower`).toBeDefined();
        delays.push(Math.max(0, got!.ms - p.ms));
      }
    delays.sort((a, b) => a - b);
    console.log(
      `follower delay over ${delays.length} snapshots: p50 ${delays[Math.floor(delays.length / 2)]} ms, max ${delays.at(-1)} ms`,
    );
    expect(delays.at(-1)).toBeLessThan(1000);

    // A change announced on one replica reaches its own pages once and every other replica's.
    followers[0]!.replica.announce({ topic: 'incident', incidentId: 4242 });
    const is4242 = (c: Change) => c.topic === 'incident' && c.incidentId === 4242;
    await until('the change everywhere', () => hs.every((h) => h.heard.some(is4242)), 1000);
    await new Promise((r) => setTimeout(r, 300));
    for (const h of hs) expect(h.heard.filter(is4242)).toHaveLength(1);
    for (const h of hs) await h.stop();
  });

  it('the leader goes (stopped, or its connection cut): another takes over within two poll intervals; no timeline event repeats', async () => {
    const { db, url } = await dbs.open('postgres');
    const hs = [startReplica(url!), startReplica(url!)];
    await until('one leader', () => leaders(hs).length === 1, 10_000);
    const admin = new pg.Client({ connectionString: url! });
    admin.on('error', () => undefined);
    await admin.connect();
    const takeovers: number[] = [];
    try {
      // Mid-incident (the reply queue over its threshold) and mid-recovery, each leader goes both ways.
      for (let round = 0; round < 4; round++) {
        if (round === 0 || round === 2) {
          const bad = round === 0;
          await setScenario(layout, bad ? 'reply-starvation' : 'steady');
          await until(
            bad ? 'the reply queue over its threshold' : 'the reply queue drained',
            () => {
              const q = leaders(hs)[0]
                ?.replica.live.snapshot()
                .stages.find((st) => st.id === 'reply-queue')?.queue;
              return q && (bad ? q.ready > q.depthThreshold : q.ready < q.depthThreshold / 4);
            },
            120_000,
          );
        }
        await new Promise((r) => setTimeout(r, 2000));
        const [old] = leaders(hs);
        const goneAt = Date.now();
        if (round % 2 === 0) {
          await old!.stop();
          hs.push(startReplica(url!));
        } else {
          // The lease connection dies under a running leader (a network cut, a database restart).
          await admin.query(
            `SELECT pg_terminate_backend(a.pid) FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
              WHERE l.locktype = 'advisory' AND l.granted AND a.application_name = 'warroom-lease' AND a.datname = current_database()`,
          );
        }
        await until(
          `round ${round}: the old leader stepping down`,
          () => old!.roles.some((r) => !r.leading && r.ms >= goneAt),
          2 * pollMs,
        );
        const [next] = await until(
          `round ${round}: a new leader`,
          () => (leaders(hs).length === 1 ? leaders(hs) : null),
          2 * pollMs,
        );
        const firstSnapshot = await until(
          `round ${round}: the new leader's first snapshot`,
          () => next!.arrivals.find((a) => a.ms > goneAt && next!.replica.leading),
          2 * pollMs,
        );
        takeovers.push(firstSnapshot.ms - goneAt);
        expect(leaders(hs)).toHaveLength(1);
      }
    } finally {
      await admin.end();
    }
    console.log(`takeover (gone -> first snapshot of the new leader): ${takeovers.join(', ')} ms`);
    for (const t of takeovers) expect(t).toBeLessThan(2 * pollMs);
    await new Promise((r) => setTimeout(r, 3000));
    for (const h of hs) await h.stop();
    const events = await db.query<{ at: Date; kind: string; stageId: string | null; message: string }>(
      'SELECT at, kind, stage_id AS "stageId", message FROM timeline_events ORDER BY at, id',
    );
    const story = events.map((e) => `${new Date(e.at).toISOString()} ${e.kind}: ${e.message}`).join('\n');
    expect(events.filter((e) => e.kind === 'queue-above-threshold').length, story).toBeGreaterThan(0);
    expect(repeatedStates(events), story).toEqual([]);
  });

  it('the database down at boot: the replica serves its own polls; when it is back, it leads, records and catches up', async () => {
    const { db, url } = await dbs.open('postgres');
    await stopPostgres(layout);
    let h: Handle;
    try {
      h = startReplica(url!);
      // Alone: after a short grace it polls by itself, so its page is live without the database.
      await until(
        'fresh snapshots of its own',
        () => h.arrivals.some((a) => Date.now() - Date.parse(a.at) < 1500),
        15_000,
      );
      expect(h.replica.role).toBe('alone');
      await setScenario(layout, 'reply-starvation');
      await until('a bottleneck seen alone', () => h.replica.live.snapshot().bottleneck !== null, 90_000);
    } finally {
      await startPostgres(layout);
    }
    await until('the lead once the database is back', () => h!.replica.leading, 20_000);
    // What it saw alone is recorded once it leads: the bottleneck reaches the timeline.
    const recorded = await waitFor(
      () => db.query("SELECT 1 FROM timeline_events WHERE kind = 'bottleneck-appeared'"),
      (rows) => rows.length > 0,
      20_000,
      'the bottleneck in the timeline',
      250,
    );
    expect(recorded.length).toBeGreaterThan(0);
    await setScenario(layout, 'steady');
    await h!.stop();
  });
});
