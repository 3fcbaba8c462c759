import path from 'node:path';
import { analyze } from '../lib/analysis/analyze';
import { deriveEvents, fingerprint } from '../lib/analysis/derive-events';
import { type TimelineEvent } from '../lib/contracts/timeline';
import { scenarioObservations } from '../lib/analysis/fixtures';
import type { Snapshot } from '../lib/contracts/snapshot';
import { openDb, type Db } from '../lib/store/db';
import { history } from '../lib/store/history';
import { incidents } from '../lib/store/incidents';
import { dashboardUrl, startDashboard, stopDashboard, type StackLayout } from './stack';
import { launchChromium } from './testing/chromium';
import type { BenchRecorder } from './bench-report';
import { quantile as nearestRank } from '../demo/loadgen/latency-window';

/**
 * The 24-hour incident benchmark: 24 hours of history written into the dashboard's own store the
 * way the recorder writes it (a snapshot every 5 s, the reply queue starving for 10 minutes of
 * every hour, the events derived from consecutive snapshots), one incident spanning it all with a
 * note every 30 minutes; then the time to open links into it (server and Chromium), to load its
 * timeline and to export its postmortem. The seeded rows are removed afterwards.
 */
const hourMs = 3_600_000;
const stepMs = 5000;
const seedPrefix = 'bench-seed:';

/** Nearest-rank quantile of a sorted, non-empty list (the load generator's definition). */
const quantile = (sorted: number[], q: number): number => nearestRank(sorted, q)!;

async function timed(n: number, run: (i: number) => Promise<unknown>): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    await run(i);
    out.push(performance.now() - t);
  }
  return out.sort((a, b) => a - b);
}

const row = (r: BenchRecorder, label: string, times: number[], extra = '') =>
  r.log(
    `| ${label} | ${quantile(times, 0.5).toFixed(0)} ms | ${quantile(times, 0.9).toFixed(0)} ms | ${times.at(-1)!.toFixed(0)} ms |${extra ? ` ${extra} |` : ''}`,
  );

/** The snapshot at `atMs` of a pipeline that starves its reply queue from :20 to :30 every hour. */
function sampleAt(atMs: number, steady: Snapshot, starving: Snapshot): Snapshot {
  const minute = new Date(atMs).getUTCMinutes() + new Date(atMs).getUTCSeconds() / 60;
  const bad = minute >= 20 && minute < 30;
  const base = bad ? starving : steady;
  const ready = bad ? Math.round(40 + (minute - 20) * 60) : Math.round((atMs / stepMs) % 4);
  return {
    ...base,
    generatedAt: new Date(atMs).toISOString(),
    endToEnd: {
      ...base.endToEnd,
      pMs: bad ? Math.round(3000 + (minute - 20) * 900) : 1400 + Math.round((atMs / stepMs) % 7) * 10,
    },
    stages: base.stages.map((st) =>
      st.id === 'reply-queue' && st.queue ? { ...st, queue: { ...st.queue, ready }, waitMs: ready * 80 } : st,
    ),
  };
}

async function seed(
  db: Db,
  pipeline: string,
  fromMs: number,
  toMs: number,
): Promise<{ snapshots: number; bytes: number; events: number; incidentId: number }> {
  const steady = analyze(scenarioObservations.steady);
  const starving = analyze(scenarioObservations.replyStarvation);
  const above = new Set<string>();
  let previous: Snapshot | null = null;
  let bytes = 0;
  let snapshots = 0;
  const events: TimelineEvent[] = [];
  let batch: Array<{ snapshot: Snapshot; fingerprint: string }> = [];
  const store = history(db);
  const flush = async () => {
    bytes += await store.saveSnapshots(pipeline, batch);
    batch = [];
  };
  for (let t = fromMs; t <= toMs; t += stepMs) {
    const s = { ...sampleAt(t, steady, starving), pipeline };
    events.push(...deriveEvents(previous, s, above));
    previous = s;
    snapshots += 1;
    batch.push({ snapshot: s, fingerprint: `${seedPrefix}${fingerprint(s).length}` });
    if (batch.length >= 400) await flush();
  }
  await flush();
  await store.saveEvents(pipeline, events);
  const incident = await incidents(db).create({
    pipeline,
    title: 'bench: a 24-hour incident',
    severity: 'sev2',
    status: 'investigating',
    startedAt: new Date(fromMs).toISOString(),
    owner: 'olivia',
    author: { name: 'olivia', role: 'operator' },
  });
  for (let t = fromMs + 30 * 60_000; t < toMs; t += 30 * 60_000) {
    await db.query(
      `INSERT INTO incident_log (incident_id, at, author, author_role, kind, body) VALUES ($1, $2, 'olivia', 'operator', 'note', $3)`,
      [
        incident.id,
        new Date(t).toISOString(),
        `still watching the reply queue (${new Date(t).toISOString().slice(11, 16)})`,
      ],
    );
  }
  return { snapshots, bytes, events: events.length, incidentId: incident.id };
}

async function unseed(db: Db, incidentId: number, maxEventIdBefore: number, seededBeforeMs: number): Promise<void> {
  await db.query(`DELETE FROM snapshots WHERE fingerprint LIKE '${seedPrefix}%'`);
  await db.query('DELETE FROM timeline_events WHERE id > $1 AND at < $2', [
    maxEventIdBefore,
    new Date(seededBeforeMs).toISOString(),
  ]);
  await db.query('DELETE FROM incidents WHERE id = $1', [incidentId]);
}

export async function longIncident(layout: StackLayout, pipeline: string, r: BenchRecorder): Promise<void> {
  r.section('A link into a 24-hour incident');
  const base = dashboardUrl(layout);
  // The dashboard's store is PGlite (one process at a time): seed with the dashboard stopped.
  await stopDashboard(layout);
  const dataDir = path.join(layout.stateDir, 'pglite');
  let db = await openDb({ dataDir });
  const nowMs = Date.now();
  const fromMs = nowMs - 24 * hourMs;
  const [{ max }] = (await db.query<{ max: string | number }>(
    'SELECT COALESCE(max(id), 0) AS max FROM timeline_events',
  )) as [{ max: string | number }];
  const seedStarted = performance.now();
  const seeded = await seed(db, pipeline, fromMs, nowMs - stepMs);
  const seedMs = performance.now() - seedStarted;
  await db.close();
  r.log(
    `Seeded ${seeded.snapshots.toLocaleString('en')} snapshots (${(seeded.bytes / 1e6).toFixed(1)} MB of JSON, ${(seeded.bytes / 24 / 1e6).toFixed(2)} MB per hour at one snapshot every 5 s), ${seeded.events} timeline events and 47 notes in ${(seedMs / 1000).toFixed(1)} s.`,
  );
  try {
    await startDashboard(layout);
    const id = seeded.incidentId;
    const moment = (i: number) => new Date(fromMs + 60_000 + ((i * 7919 * 60_000) % (23 * hourMs))).toISOString();
    // The first request after a start pays for compiling and opening the store: shown apart.
    const first = await timed(1, () =>
      fetch(`${base}/incidents/${id}?at=${encodeURIComponent(moment(0))}`).then((r) => r.arrayBuffer()),
    );
    const page = await timed(20, (i) =>
      fetch(`${base}/incidents/${id}?at=${encodeURIComponent(moment(i + 1))}`).then((r) => r.arrayBuffer()),
    );
    const topologyAt = await timed(20, (i) =>
      fetch(`${base}/api/topology?at=${encodeURIComponent(moment(i + 30))}`).then((r) => r.arrayBuffer()),
    );
    let entries = 0;
    let timelineBytes = 0;
    const detail = await timed(10, async () => {
      const body = await (await fetch(`${base}/api/incidents/${id}`)).text();
      timelineBytes = body.length;
      entries = (JSON.parse(body) as { timeline: unknown[] }).timeline.length;
    });
    const postmortem = await timed(5, () =>
      fetch(`${base}/api/incidents/${id}/postmortem`).then((r) => r.arrayBuffer()),
    );
    const browser = await launchChromium();
    const cold: number[] = [];
    const warm: number[] = [];
    const coldSeen: number[] = [];
    const htmlDone: number[] = [];
    const loaded: number[] = [];
    const contentful: number[] = [];
    try {
      // Shown: when the browser first painted a stage's label, the timeline's heading and the
      // replayed moment's entry, as the server rendered them (the Element Timing API, from the
      // navigation's start), whether or not the scripts have run. Seen: when Playwright found both
      // visible, which it can only check once the page's main thread is free, so after the
      // scripts have run. Loaded: the load event (every script fetched and run, the page interactive).
      const marks = ['stage-label', 'incident-timeline', 'incident-timeline-current'];
      const open = async (tab: import('playwright-core').Page, i: number) => {
        const t = performance.now();
        await tab.goto(`${base}/incidents/${id}?at=${encodeURIComponent(moment(i))}`, { waitUntil: 'commit' });
        await tab.getByTestId('stage-node-reply-queue').waitFor({ state: 'visible' });
        await tab.getByTestId('incident-timeline').waitFor({ state: 'visible' });
        const seen = performance.now() - t;
        await tab.waitForLoadState('load');
        loaded.push(performance.now() - t);
        htmlDone.push(
          await tab.evaluate(
            () => (performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming).responseEnd,
          ),
        );
        // No named functions inside: tsx's keepNames would wrap them in a helper the page lacks.
        const painted = await tab.evaluate(
          (wanted) =>
            new Promise<Record<string, number>>((resolve) => {
              const first: Record<string, number> = {};
              const observer = new PerformanceObserver((list) => {
                for (const e of list.getEntries() as unknown as Array<{
                  identifier: string;
                  renderTime: number;
                  loadTime: number;
                }>) {
                  const at = e.renderTime || e.loadTime;
                  if (!(e.identifier in first) || at < first[e.identifier]!) first[e.identifier] = at;
                }
                if (wanted.every((w) => w in first)) resolve(first);
              });
              observer.observe({ type: 'element', buffered: true });
              setTimeout(() => resolve(first), 5000);
            }),
          marks,
        );
        const missing = marks.filter((m) => !(m in painted));
        if (missing.length) throw new Error(`no Element Timing entry for ${missing.join(', ')}`);
        const fcp = await tab.evaluate(
          () => performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? Number.NaN,
        );
        contentful.push(fcp);
        return { shown: Math.max(...marks.map((m) => painted[m]!)), seen };
      };
      // A fresh context per link: someone opening a shared link with nothing cached.
      for (let i = 0; i < 5; i++) {
        const context = await browser.newContext({ viewport: { width: 1440, height: 1000 } });
        const { shown, seen } = await open(await context.newPage(), i + 60);
        cold.push(shown);
        coldSeen.push(seen);
        await context.close();
      }
      // One context, one link after another: the scripts are cached, as for someone already in warroom.
      const context = await browser.newContext({ viewport: { width: 1440, height: 1000 } });
      const tab = await context.newPage();
      await open(tab, 70);
      for (let i = 0; i < 6; i++) warm.push((await open(tab, i + 71)).shown);
      await context.close();
    } finally {
      await browser.close();
    }
    cold.sort((a, b) => a - b);
    warm.sort((a, b) => a - b);
    coldSeen.sort((a, b) => a - b);
    htmlDone.sort((a, b) => a - b);
    loaded.sort((a, b) => a - b);
    contentful.sort((a, b) => a - b);
    r.log('| request (24-hour incident) | p50 | p90 | max | |');
    r.log('|---|---|---|---|---|');
    row(r, 'first GET /incidents/<id>?at= after a start', first, 'once');
    row(
      r,
      'GET /incidents/<id>?at= (server-rendered page, 20 moments)',
      page,
      `${(await (await fetch(`${base}/incidents/${id}?at=${encodeURIComponent(moment(3))}`)).arrayBuffer()).byteLength.toLocaleString('en')} B`,
    );
    row(r, 'GET /api/topology?at= (20 moments)', topologyAt);
    row(
      r,
      'GET /api/incidents/<id> (timeline, worst moment, peak)',
      detail,
      `${entries} entries, ${timelineBytes.toLocaleString('en')} B`,
    );
    row(r, 'GET /api/incidents/<id>/postmortem', postmortem);
    row(r, 'Chromium, fresh context: link opened until topology and timeline are painted (5 links)', cold);
    row(r, 'Chromium, scripts cached: the same (6 links)', warm);
    row(r, 'Chromium, fresh context: until Playwright saw both visible, after the scripts ran (5 links)', coldSeen);
    row(r, 'Chromium: of which the page itself has arrived (responseEnd, all 12 opens)', htmlDone);
    row(r, 'Chromium: link opened until the first contentful paint (all 12 opens)', contentful);
    row(r, 'Chromium: link opened until the load event, scripts run (all 12 opens)', loaded);
    r.figure({
      id: 'cold-link-ms',
      label: 'a cold link into a 24-hour incident, until its topology and timeline show',
      how: 'fresh Chromium context, from the start of the navigation to the first paint of both (Element Timing API), median of 5',
      value: quantile(cold, 0.5),
      unit: 'ms',
      target: { op: '<', value: 500 },
      anchor: { value: 1508, what: 'the first version (BENCHMARKS run 1)' },
    });
    r.figure({
      id: 'incident-page-ms',
      label: 'GET /incidents/<id>?at= on a 24-hour incident (server-rendered page)',
      how: 'median of 20 moments',
      value: quantile(page, 0.5),
      unit: 'ms',
      anchor: { value: 154, what: 'the first version' },
    });
  } finally {
    await stopDashboard(layout);
    db = await openDb({ dataDir });
    await unseed(db, seeded.incidentId, Number(max), fromMs + 24 * hourMs);
    await db.close();
    await startDashboard(layout);
  }
}
