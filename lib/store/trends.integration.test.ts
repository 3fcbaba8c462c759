import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { analyze } from '../analysis/analyze';
import { scenarioObservations } from '../analysis/fixtures';
import type { Snapshot } from '../contracts/snapshot';
import { maxTrendPoints } from '../contracts/trends';
import { testDbs } from '../../scripts/testing/test-db';
import { loadTrends } from '../history/trends';
import { bucketOf, planBuckets, type BucketPlan } from '../history/trends-shape';
import { auditLog } from './audit-log';
import { history } from './history';
import { incidents } from './incidents';
import { trendsStore } from './trends';

/**
 * The trends' SQL on PGlite and on the stack's real PostgreSQL: each bucket's figures are what
 * aggregating the stored snapshots by hand gives (worst latency, most ready, mean rates, last
 * counts), never more than 300 buckets, and a day of snapshots comes back as 300 rows.
 */
const dbs = testDbs();
afterAll(() => dbs.dropAll());

const t0 = Date.parse('2026-11-22T00:00:00.000Z');
const iso = (ms: number) => new Date(ms).toISOString();

interface Figures {
  atMs: number;
  e2eMs: number | null;
  ready: number;
  publish: number | null;
  deliver: number | null;
  consumers: number;
  running: number;
  desired: number;
}

/** A stored snapshot with only what the trends read (the store takes the JSON as it is). */
const slim = (f: Figures): Snapshot =>
  ({
    generatedAt: iso(f.atMs),
    pipeline: 'p',
    endToEnd: { pMs: f.e2eMs, quantile: 0.9, sloMs: 3000, explainedMs: 0, unexplainedMs: null },
    bottleneck: null,
    stages: [
      { id: 'api', kind: 'service', label: 'API', contributionMs: 0, share: 0, status: 'ok' },
      {
        id: 'q',
        kind: 'queue',
        label: 'Queue',
        queue: {
          ready: f.ready,
          unacked: 0,
          consumers: f.consumers,
          publishRate: f.publish,
          deliverRate: f.deliver,
          growthPerSec: null,
          depthThreshold: 50,
        },
        contributionMs: 0,
        share: 0,
        status: 'ok',
      },
      {
        id: 'w',
        kind: 'workers',
        label: 'Workers',
        workers: { job: 'j', group: 'g', desired: f.desired, running: f.running },
        contributionMs: 0,
        share: 0,
        status: 'ok',
      },
    ],
    insights: [],
    unmonitoredQueues: [],
  }) as unknown as Snapshot;

/** What each bucket should hold, aggregated in TypeScript from the figures stored. */
function expected(plan: BucketPlan, stored: Figures[]) {
  const groups = new Map<number, Figures[]>();
  for (const f of stored) {
    const b = bucketOf(plan, f.atMs);
    if (b >= 0) groups.set(b, [...(groups.get(b) ?? []), f]);
  }
  const mean = (xs: Array<number | null>) => {
    const known = xs.filter((x): x is number => x !== null);
    return known.length ? known.reduce((a, b) => a + b, 0) / known.length : null;
  };
  return [...groups.entries()]
    .sort(([a], [b]) => a - b)
    .map(([bucket, group]) => {
      const latest = Math.max(...group.map((f) => f.atMs));
      const last = group.filter((f) => f.atMs === latest);
      const e2e = group.map((f) => f.e2eMs).filter((x): x is number => x !== null);
      return {
        bucket,
        atMs: latest,
        snapshots: group.length,
        e2eMs: e2e.length ? Math.max(...e2e) : null,
        ready: Math.max(...group.map((f) => f.ready)),
        publishPerSec: mean(group.map((f) => f.publish)),
        deliverPerSec: mean(group.map((f) => f.deliver)),
        // Ties at the bucket's last moment: any of them is the last.
        consumers: last.map((f) => f.consumers),
        running: last.map((f) => f.running),
      };
    });
}

const windowOf = (plan: BucketPlan) => ({
  from: new Date(plan.fromMs),
  to: new Date(plan.toMs),
  bucketMs: plan.bucketMs,
  count: plan.count,
});

describe.each(['pglite', 'postgres'] as const)('trends on %s', (kind) => {
  it('any stored snapshots, any range: the SQL buckets are the hand-made aggregates, at most 300, ordered, in range', async () => {
    const { db } = await dbs.open(kind);
    const store = history(db);
    const trends = trendsStore(db);
    let run = 0;
    await fc.assert(
      fc.asyncProperty(
        fc
          .record({
            fromMs: fc.integer({ min: t0, max: t0 + 86_400_000 }),
            spanMs: fc.integer({ min: 60_000, max: 86_400_000 }),
          })
          .chain(({ fromMs, spanMs }) => {
            const plan = planBuckets(fromMs, fromMs + spanMs);
            const figures = fc.record({
              atMs: fc.oneof(
                fc.integer({ min: plan.fromMs - 600_000, max: plan.toMs + 600_000 }),
                fc.constantFrom(plan.fromMs, plan.toMs, plan.toMs - 1, plan.fromMs + plan.bucketMs),
              ),
              e2eMs: fc.option(fc.integer({ min: 0, max: 60_000 })),
              ready: fc.nat(10_000),
              publish: fc.option(fc.double({ min: 0, max: 500, noNaN: true })),
              deliver: fc.option(fc.double({ min: 0, max: 500, noNaN: true })),
              consumers: fc.nat(60),
              running: fc.nat(60),
              desired: fc.nat(60),
            });
            return fc.tuple(fc.constant(plan), fc.array(figures, { maxLength: 400 }));
          }),
        async ([plan, stored]) => {
          const pipeline = `run${run++}`;
          await store.saveSnapshots(
            pipeline,
            stored.map((f) => ({ snapshot: slim(f), fingerprint: String(f.atMs) })),
          );
          const rows = await trends.buckets(pipeline, windowOf(plan), 'q');
          const workers = await trends.workerBuckets(pipeline, windowOf(plan), ['w']);
          const want = expected(plan, stored);
          expect(rows.length).toBeLessThanOrEqual(maxTrendPoints);
          expect(rows.map((r) => r.bucket)).toEqual(want.map((w) => w.bucket));
          rows.forEach((r, i) => {
            const w = want[i]!;
            expect(r.atMs).toBe(w.atMs);
            expect(r.snapshots).toBe(w.snapshots);
            expect(r.e2eMs).toBe(w.e2eMs);
            expect(r.ready).toBe(w.ready);
            for (const key of ['publishPerSec', 'deliverPerSec'] as const) {
              if (w[key] === null) expect(r[key]).toBeNull();
              else expect(r[key]).toBeCloseTo(w[key], 6);
            }
            expect(w.consumers).toContain(r.consumers);
            if (i > 0) expect(r.atMs).toBeGreaterThan(rows[i - 1]!.atMs);
            expect(r.atMs).toBeGreaterThanOrEqual(plan.fromMs);
            expect(r.atMs).toBeLessThanOrEqual(plan.toMs);
          });
          expect(workers.map((w) => w.bucket)).toEqual(want.map((w) => w.bucket));
          workers.forEach((w, i) => expect(want[i]!.running).toContain(w.running));
        },
      ),
      { numRuns: 25 },
    );
  });

  it('a day of snapshots every 5 s comes back as 300 buckets, without any body leaving the database', async () => {
    const { db } = await dbs.open(kind);
    const store = history(db);
    const dayMs = 86_400_000;
    const figures: Figures[] = Array.from({ length: dayMs / 5000 }, (_, i) => ({
      atMs: t0 + i * 5000,
      e2eMs: i === 12_345 ? 25_000 : 1000 + (i % 100),
      ready: i % 1000,
      publish: 10,
      deliver: 9,
      consumers: 3,
      running: i < 10_000 ? 3 : 30,
      desired: i < 10_000 ? 3 : 30,
    }));
    for (let i = 0; i < figures.length; i += 2000)
      await store.saveSnapshots(
        'p',
        figures.slice(i, i + 2000).map((f) => ({ snapshot: slim(f), fingerprint: String(f.atMs) })),
      );
    const plan = planBuckets(t0, t0 + dayMs);
    const started = Date.now();
    const rows = await trendsStore(db).buckets('p', windowOf(plan), 'q');
    const elapsedMs = Date.now() - started;
    expect(rows).toHaveLength(300);
    expect(rows.reduce((n, r) => n + r.snapshots, 0)).toBe(figures.length);
    // The one spike survives the downsampling; the counts step up where they did.
    expect(Math.max(...rows.map((r) => r.e2eMs ?? 0))).toBe(25_000);
    const want = expected(plan, figures);
    expect(rows.map((r) => [r.bucket, r.atMs, r.ready, r.e2eMs])).toEqual(
      want.map((w) => [w.bucket, w.atMs, w.ready, w.e2eMs]),
    );
    const workers = await trendsStore(db).workerBuckets('p', windowOf(plan), ['w']);
    expect(workers).toHaveLength(300);
    expect(workers[0]!.running).toBe(3);
    expect(workers.at(-1)!.running).toBe(30);
    console.log(`${kind}: 17,280 snapshots of a day into 300 buckets in ${elapsedMs} ms`);
  });

  it('loadTrends: charts the bottleneck queue at the end, and marks bottlenecks, deployments, scales and incidents in the range only', async () => {
    const { db } = await dbs.open(kind);
    const store = history(db);
    const audit = auditLog(db);
    const starving = analyze(scenarioObservations.replyStarvation);
    const steady = analyze(scenarioObservations.steady);
    const at = (s: Snapshot, ms: number): Snapshot => ({ ...s, generatedAt: iso(ms) });
    const fromMs = t0;
    const toMs = t0 + 900_000;
    await store.saveSnapshots('p', [
      { snapshot: at(steady, t0 - 60_000), fingerprint: 'a' },
      { snapshot: at(steady, t0 + 60_000), fingerprint: 'b' },
      { snapshot: at(starving, t0 + 600_000), fingerprint: 'c' },
    ]);
    await store.saveEvents('p', [
      { at: iso(t0 - 1000), kind: 'bottleneck-cleared', stageId: null, message: 'before the range' },
      { at: iso(t0 + 590_000), kind: 'bottleneck-appeared', stageId: 'reply-consumers', message: 'appeared' },
      { at: iso(t0 + 595_000), kind: 'queue-above-threshold', stageId: 'reply-queue', message: 'no marker' },
      { at: iso(t0 + 655_000), kind: 'workers-changed', stageId: 'reply-consumers', message: 'desired 3 -> 30' },
      { at: iso(t0 + 700_000), kind: 'deployment', stageId: null, message: 'deployed' },
    ]);
    await store.saveEvents('other', [{ at: iso(t0 + 10_000), kind: 'deployment', stageId: null, message: 'other' }]);
    for (const [ms, outcome] of [
      [t0 + 650_000, 'succeeded'],
      [t0 + 660_000, 'refused'],
      [toMs + 1000, 'succeeded'],
    ] as const)
      await db.query(
        `INSERT INTO audit_log (created_at, actor, actor_role, action, target_job, target_group, from_count, to_count, reason, outcome, idempotency_key)
         VALUES ($1, 'olivia', 'operator', 'scale', 'api', 'reply-consumer', 3, 30, 'drain it', $2, $3)`,
        [iso(ms), outcome, `k${ms}`],
      );
    await incidents(db).create({
      pipeline: 'p',
      title: 'Reply consumers bottleneck',
      severity: 'sev3',
      status: 'suggested',
      startedAt: iso(t0 + 591_000),
      owner: null,
      author: { name: 'warroom', role: 'system' },
    });

    const view = await loadTrends(
      { pipeline: 'p', history: store, audit, trends: trendsStore(db) },
      { fromMs, toMs, range: 'custom' },
    );
    expect(view.queue).toEqual({ stageId: 'reply-queue', label: expect.any(String), basis: 'bottleneck' });
    expect(view.endToEnd).toEqual({ quantile: starving.endToEnd.quantile, sloMs: starving.endToEnd.sloMs });
    expect(view.storedSnapshots).toBe(2);
    expect(view.bucketSec).toBe(3);
    expect(view.latency[0]!.points.map((p) => p.t * 1000)).toEqual([t0 + 60_000, t0 + 600_000]);
    const ready = view.depth.find((l) => l.key === 'ready')!;
    expect(ready.points.at(-1)!.value).toBe(starving.stages.find((s) => s.id === 'reply-queue')!.queue!.ready);
    expect(view.workers.map((l) => l.key)).toEqual([
      'ml-workers',
      'ml-workers:desired',
      'reply-consumers',
      'reply-consumers:desired',
      'consumers',
    ]);
    expect(view.markers.map((m) => [m.kind, m.at])).toEqual([
      ['bottleneck-appeared', iso(t0 + 590_000)],
      ['incident-suggested', iso(t0 + 591_000)],
      ['action', iso(t0 + 650_000)],
      ['workers-changed', iso(t0 + 655_000)],
      ['deployment', iso(t0 + 700_000)],
    ]);
    expect(view.markers[2]!.message).toContain('olivia scaled api/reply-consumer 3 -> 30');
    expect(view.markersTruncated).toBe(false);

    // Nothing stored up to the range's end: empty lines, no queue, no error.
    const before = await loadTrends(
      { pipeline: 'p', history: store, audit, trends: trendsStore(db) },
      { fromMs: t0 - 7_200_000, toMs: t0 - 3_600_000, range: 'custom' },
    );
    expect(before).toMatchObject({ queue: null, endToEnd: null, storedSnapshots: 0, depth: [], markers: [] });
  });
});
