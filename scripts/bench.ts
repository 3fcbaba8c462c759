import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { loadConfigFile } from '../lib/config/load-config';
import amqp from 'amqplib';
import {
  buildDashboard,
  dashboardEnv,
  dashboardUrl,
  rabbitAmqpUrl,
  rabbitManagementUrl,
  setScenario,
  stackLayout,
  stackSecrets,
  startDashboard,
  startPipeline,
  startStack,
  stopDashboard,
  stopPipeline,
  stopStack,
} from './stack';
import { sleep } from './stack/processes';
import { resetPipeline, topology } from './testing/demo-client';
import { createBulkQueues, deleteBulkQueues } from './testing/bulk-queues';
import { longIncident } from './bench-incident';
import { signInFlood, sseSoak, takeover } from './bench-production';
import { quantile as nearestRank } from '../demo/loadgen/latency-window';

/**
 * `npm run bench`: the figures the issues ask for, from one run on the real local stack. Prints a
 * table per measurement; nothing here passes or fails. `npm run bench -- production` runs only
 * issue 12's (sign-in flood, leader takeover, 1,000 SSE clients); `npm run bench -- fuzz` the
 * request fuzz at 10,000 cases.
 */
const layout = stackLayout('test');
const base = dashboardUrl(layout);
const secrets = stackSecrets(layout);
const auth = `Basic ${Buffer.from(`${secrets.rabbitUser}:${secrets.rabbitPassword}`).toString('base64')}`;

/** Nearest-rank quantile of a sorted, non-empty list (the load generator's definition). */
const quantile = (sorted: number[], q: number): number => nearestRank(sorted, q)!;

async function counters(): Promise<Map<string, number>> {
  const text = await (await fetch(`${base}/api/metrics`)).text();
  const out = new Map<string, number>();
  for (const line of text.split('\n')) {
    const m =
      /^(warroom_source_requests_total|warroom_source_response_bytes_total|warroom_poll_cycles_total)\{([^}]*)\} ([\d.e+]+)/.exec(
        line,
      );
    if (m) out.set(`${m[1]}{${m[2]}}`, Number(m[3]));
  }
  return out;
}

function delta(after: Map<string, number>, before: Map<string, number>, prefix: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, v] of after) if (k.startsWith(prefix)) out[k.slice(prefix.length)] = v - (before.get(k) ?? 0);
  return out;
}

async function historyCounters(): Promise<{ snapshots: number; bytes: number }> {
  const text = await (await fetch(`${base}/api/metrics`)).text();
  const read = (name: string) => Number(new RegExp(`^${name} ([\\d.e+]+)`, 'm').exec(text)?.[1] ?? 0);
  return {
    snapshots: read('warroom_history_snapshots_stored_total'),
    bytes: read('warroom_history_snapshot_bytes_total'),
  };
}

async function timelineAndReplay(): Promise<void> {
  console.log('\n## Opening a link into the history, and the timeline');
  const snap = await topology(layout);
  const times: number[] = [];
  for (let i = 0; i < 20; i++) {
    const t = performance.now();
    const res = await fetch(
      `${base}/api/topology?at=${encodeURIComponent(new Date(Date.parse(snap.generatedAt) - i * 7000).toISOString())}`,
    );
    await res.arrayBuffer();
    times.push(performance.now() - t);
  }
  const timeline: number[] = [];
  for (let i = 0; i < 20; i++) {
    const t = performance.now();
    await (await fetch(`${base}/api/timeline`)).arrayBuffer();
    timeline.push(performance.now() - t);
  }
  const page: number[] = [];
  for (let i = 0; i < 5; i++) {
    const t = performance.now();
    await (await fetch(`${base}/?at=${encodeURIComponent(snap.generatedAt)}`)).arrayBuffer();
    page.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  timeline.sort((a, b) => a - b);
  page.sort((a, b) => a - b);
  console.log('| request | p50 | max |');
  console.log('|---|---|---|');
  console.log(
    `| GET /api/topology?at= (20 moments) | ${quantile(times, 0.5).toFixed(1)} ms | ${times.at(-1)!.toFixed(1)} ms |`,
  );
  console.log(
    `| GET /?at= (server-rendered page) | ${quantile(page, 0.5).toFixed(1)} ms | ${page.at(-1)!.toFixed(1)} ms |`,
  );
  console.log(
    `| GET /api/timeline (last hour) | ${quantile(timeline, 0.5).toFixed(1)} ms | ${timeline.at(-1)!.toFixed(1)} ms |`,
  );
}

async function detectionLag(): Promise<void> {
  console.log('\n## Detection lag (reply-starvation, backlog passing 50 ready)');
  await resetPipeline(layout);
  await setScenario(layout, 'steady');
  await sleep(20_000);
  const connection = await amqp.connect(rabbitAmqpUrl(layout));
  const channel = await connection.createChannel();
  const t: Record<string, number | null> = { amqp: null, warroom: null, management: null };
  await setScenario(layout, 'reply-starvation');
  const started = Date.now();
  while ((t.amqp === null || t.warroom === null || t.management === null) && Date.now() - started < 120_000) {
    const [check, snapshot, mgmt] = await Promise.all([
      channel.checkQueue('api.replies'),
      topology(layout),
      fetch(`${rabbitManagementUrl(layout)}/api/queues/%2F/api.replies?columns=messages_ready`, {
        headers: { authorization: auth },
      }).then((r) => r.json() as Promise<{ messages_ready?: number }>),
    ]);
    const now = Date.now();
    if (t.amqp === null && check.messageCount > 50) t.amqp = now;
    if (t.warroom === null && snapshot.bottleneck?.stageId === 'reply-consumers') t.warroom = now;
    if (t.management === null && (mgmt.messages_ready ?? 0) > 50) t.management = now;
    await sleep(100);
  }
  await connection.close();
  console.log('| signal | time after the backlog passed 50 (ground truth: our own passive declare every 100 ms) |');
  console.log('|---|---|');
  console.log(
    `| warroom names the reply consumers | ${t.warroom && t.amqp ? `${((t.warroom - t.amqp) / 1000).toFixed(1)} s` : 'not seen'} |`,
  );
  console.log(
    `| management API shows messages_ready > 50 | ${t.management && t.amqp ? `${((t.management - t.amqp) / 1000).toFixed(1)} s` : 'not seen'} |`,
  );
  await resetPipeline(layout);
}

async function sourceCost(): Promise<void> {
  console.log('\n## Source requests and bytes per refresh, broker with 10,000 extra queues');
  const t0 = Date.now();
  await createBulkQueues(layout, 10_000);
  console.log(`(10,000 queues created in ${((Date.now() - t0) / 1000).toFixed(1)} s)`);
  await sleep(10_000);
  const before = await counters();
  await sleep(30_000);
  const after = await counters();
  const cycles = delta(after, before, 'warroom_poll_cycles_total');
  const requests = delta(after, before, 'warroom_source_requests_total');
  const bytes = delta(after, before, 'warroom_source_response_bytes_total');
  const per = (loop: string) => cycles[`{loop="${loop}"}`] || 1;
  console.log('| source | endpoint | requests per refresh of its loop |');
  console.log('|---|---|---|');
  const loopOf: Record<string, string> = {
    'rabbitmq-management': 'management',
    'rabbitmq-amqp': 'amqp',
    prometheus: 'prometheus',
    nomad: 'nomad',
  };
  for (const [key, n] of Object.entries(requests).sort()) {
    const m = /source="([^"]+)",endpoint="([^"]+)",outcome="([^"]+)"/.exec(key);
    if (!m || n === 0 || m[3] !== 'ok') continue;
    const loop = m[1] === 'prometheus' && m[2] === 'query_range' ? 'series' : loopOf[m[1]!]!;
    console.log(`| ${m[1]} | ${m[2]} | ${(n / per(loop)).toFixed(1)} |`);
  }
  console.log('\n| source | bytes received per refresh |');
  console.log('|---|---|');
  for (const [key, b] of Object.entries(bytes).sort()) {
    const source = /source="([^"]+)"/.exec(key)?.[1];
    if (!source || source === 'rabbitmq-amqp') continue;
    // Prometheus serves two loops (instant queries and the 15 s range series): bytes per instant refresh include a share of the series.
    console.log(`| ${source} | ${Math.round(b / per(loopOf[source] ?? source)).toLocaleString('en-US')} |`);
  }
  const naiveStart = performance.now();
  const naive = await fetch(`${rabbitManagementUrl(layout)}/api/queues`, { headers: { authorization: auth } });
  const naiveBytes = (await naive.arrayBuffer()).byteLength;
  console.log(
    `\nFor comparison, one unpaged GET /api/queues (what naive tools do each refresh): ${((performance.now() - naiveStart) / 1000).toFixed(2)} s, ${(naiveBytes / 1e6).toFixed(1)} MB.`,
  );
  const snap = await topology(layout);
  console.log(
    `Snapshot still current: unmonitoredTotal ${snap.unmonitoredTotal}, rabbitmq ${snap.sources.rabbitmq.status}.`,
  );
}

async function topologyUnderSse(): Promise<void> {
  console.log('\n## GET /api/topology with 100 SSE clients connected');
  const controllers = Array.from({ length: 100 }, () => new AbortController());
  let events = 0;
  await Promise.all(
    controllers.map(async (c) => {
      const res = await fetch(`${base}/api/stream`, { signal: c.signal });
      const reader = res.body!.getReader();
      void (async () => {
        try {
          for (;;) {
            const { done, value } = await reader.read();
            if (done) break;
            events += (new TextDecoder().decode(value).match(/event: snapshot/g) ?? []).length;
          }
        } catch {
          /* aborted */
        }
      })();
    }),
  );
  const before = await counters();
  const startedMs = Date.now();
  const latencies: number[] = [];
  while (Date.now() - startedMs < 30_000) {
    const t = performance.now();
    const res = await fetch(`${base}/api/topology`);
    await res.arrayBuffer();
    latencies.push(performance.now() - t);
    await sleep(50);
  }
  const elapsedSec = (Date.now() - startedMs) / 1000;
  const after = await counters();
  for (const c of controllers) c.abort();
  latencies.sort((a, b) => a - b);
  console.log(`| requests | p50 | p95 | max | SSE events received by the 100 clients |`);
  console.log('|---|---|---|---|---|');
  console.log(
    `| ${latencies.length} | ${quantile(latencies, 0.5).toFixed(1)} ms | ${quantile(latencies, 0.95).toFixed(1)} ms | ${latencies.at(-1)!.toFixed(1)} ms | ${events} |`,
  );
  const cycles = delta(after, before, 'warroom_poll_cycles_total');
  const stored = await historyCounters();
  console.log(
    `\nHistory while this ran: ${stored.snapshots} snapshots stored since start, ${Math.round(stored.bytes / Math.max(1, stored.snapshots)).toLocaleString('en-US')} bytes each (JSON, before PostgreSQL's compression); at the 5 s maximum rate that is ${(((stored.bytes / Math.max(1, stored.snapshots)) * 720) / 1e6).toFixed(1)} MB per hour of a pipeline that changes every poll.`,
  );
  console.log(
    `\nPoll cycles in those ${elapsedSec.toFixed(0)} s (from warroom's own prom-client counters), against one per interval:`,
  );
  console.log('| loop | cycles | expected at one per interval |');
  console.log('|---|---|---|');
  const polling = loadConfigFile(path.join(layout.stateDir, 'warroom.yaml'), {
    ...process.env,
    ...dashboardEnv(layout),
  }).polling;
  const interval: Record<string, number> = {
    amqp: polling.amqpMs / 1000,
    management: polling.managementMs / 1000,
    prometheus: polling.prometheusMs / 1000,
    nomad: polling.nomadMs / 1000,
    series: polling.seriesMs / 1000,
  };
  for (const [k, v] of Object.entries(cycles).sort()) {
    const loop = /loop="([^"]+)"/.exec(k)?.[1] ?? k;
    console.log(`| ${loop} | ${v} | about ${(elapsedSec / (interval[loop] ?? 1)).toFixed(0)} |`);
  }
}

async function firstLoadJs(): Promise<void> {
  console.log('\n## First-load JS of /');
  const html = await (await fetch(`${base}/`)).text();
  const scripts = [...new Set([...html.matchAll(/<script[^>]+src="([^"]+)"/g)].map((m) => m[1]!))];
  let raw = 0;
  let gz = 0;
  for (const src of scripts) {
    const body = Buffer.from(await (await fetch(new URL(src, base))).arrayBuffer());
    raw += body.length;
    gz += gzipSync(body).length;
  }
  console.log(`| scripts | raw | gzip |`);
  console.log('|---|---|---|');
  console.log(`| ${scripts.length} | ${(raw / 1024).toFixed(0)} KiB | ${(gz / 1024).toFixed(0)} KiB |`);
}

const started = Date.now();
const only = process.argv.slice(2);
console.log(`# warroom benchmarks, ${new Date().toISOString()}, ${(await import('node:os')).cpus().length} cores`);
if (only.includes('fuzz')) {
  // `npm run bench -- fuzz`: the request fuzz of lib/root/gate.integration.test.ts at 500 cases per
  // route (10,500 over its 21 routes) instead of the 200 `npm test` runs; its own assertions count
  // answers of 500 and scales outside bounds.
  const runs = process.env.WARROOM_FUZZ_RUNS ?? '500';
  console.log(`\n## Request fuzz, ${runs} cases per route`);
  const t0 = Date.now();
  const { status } = spawnSync(
    process.execPath,
    [
      path.join('node_modules', 'vitest', 'vitest.mjs'),
      'run',
      '--project',
      'integration',
      'lib/root/gate.integration.test.ts',
    ],
    { stdio: 'inherit', env: { ...process.env, WARROOM_FUZZ_RUNS: runs } },
  );
  console.log(
    `fuzz ${status === 0 ? 'found no 500 and no scale outside bounds' : 'FAILED (see above)'} in ${Math.round((Date.now() - t0) / 1000)} s`,
  );
  process.exit(status ?? 1);
}
await startStack('test', { postgres: true });
await startPipeline(layout, { scenario: 'steady' });
buildDashboard();
await stopDashboard(layout);
await startDashboard(layout);
try {
  if (only.length === 0) {
    await detectionLag();
    await timelineAndReplay();
    await topologyUnderSse();
    await firstLoadJs();
    await sourceCost();
    await longIncident(layout, (await topology(layout)).pipeline);
  }
  if (only.length === 0 || only.includes('production')) {
    await signInFlood(layout, 30);
    await takeover(layout, 5);
    await sseSoak(layout, 1000, Number(process.env.WARROOM_SSE_MINUTES ?? 10));
  }
} finally {
  await deleteBulkQueues(layout).catch(() => undefined);
  await stopDashboard(layout);
  await stopPipeline(layout);
  await stopStack('test');
}
console.log(`\nbench took ${Math.round((Date.now() - started) / 1000)} s`);
