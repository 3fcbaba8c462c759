import { readFileSync } from 'node:fs';
import type { BenchRecorder } from './bench-report';
import { dashboardUrl, stackLayout, stackSecrets, startDashboard, stopDashboard, type StackLayout } from './stack';
import { dashboardProcess, demoUsers } from './stack/dashboard';
import { readPid, sleep } from './stack/processes';
import { quantile as nearestRank } from '../demo/loadgen/latency-window';

/**
 * The production figures of issue 12, from the running test stack: many SSE clients for a long
 * while (the dashboard's memory, the delay from a snapshot to its clients), the leader's
 * takeover over several kills of two replicas on PostgreSQL, and sign-in under a guessing flood
 * while the real user still signs in. Prints tables; nothing passes or fails.
 */
const q = (sorted: number[], p: number) => (sorted.length ? nearestRank(sorted, p)! : NaN);
const ms = (v: number) => `${Math.round(v)} ms`;

function rssMiB(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8')
    .split('\n')
    .find((l) => l.startsWith('VmRSS:'))!;
  return Number(/(\d+)/.exec(line)![1]) / 1024;
}

/** `clients` streams (each from its own address, as behind a load balancer) for `minutes`. */
export async function sseSoak(layout: StackLayout, clients: number, minutes: number, r: BenchRecorder): Promise<void> {
  r.section(`${clients} SSE clients for ${minutes} minutes`);
  const base = dashboardUrl(layout);
  const pid = readPid(dashboardProcess(layout))!;
  const startRss = rssMiB(pid);
  const delays: number[] = [];
  let refused = 0;
  let frames = 0;
  let dropped = 0;
  const controllers: AbortController[] = [];
  const decoder = new TextDecoder();
  await Promise.all(
    Array.from({ length: clients }, async (_, i) => {
      const c = new AbortController();
      controllers.push(c);
      const res = await fetch(`${base}/api/stream`, {
        signal: c.signal,
        headers: { 'x-forwarded-for': `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}` },
      }).catch(() => null);
      if (!res || res.status !== 200) {
        refused++;
        return;
      }
      const reader = res.body!.getReader();
      void (async () => {
        let buffer = '';
        try {
          for (;;) {
            const { done, value } = await reader.read();
            if (done) {
              dropped++;
              return;
            }
            buffer += decoder.decode(value, { stream: true });
            let end: number;
            while ((end = buffer.indexOf('\n\n')) >= 0) {
              const frame = buffer.slice(0, end);
              buffer = buffer.slice(end + 2);
              if (!frame.startsWith('event: snapshot')) continue;
              frames++;
              // Only one client in ten measures (parsing every frame would make the bench the bottleneck).
              if (i % 10 !== 0) continue;
              const at = /"generatedAt":"([^"]+)"/.exec(frame)?.[1];
              if (at) delays.push(Date.now() - Date.parse(at));
            }
          }
        } catch {
          /* aborted at the end */
        }
      })();
    }),
  );
  const opened = clients - refused;
  r.log(`(${opened} streams open, ${refused} refused; dashboard RSS at start ${startRss.toFixed(0)} MiB)`);
  const samples: Array<{ minute: number; rss: number }> = [];
  const endAt = Date.now() + minutes * 60_000;
  for (let minute = 1; Date.now() < endAt; minute++) {
    await sleep(Math.min(60_000, endAt - Date.now()));
    samples.push({ minute, rss: rssMiB(pid) });
  }
  for (const c of controllers) c.abort();
  delays.sort((a, b) => a - b);
  r.log('| minute | dashboard RSS |');
  r.log('|---|---|');
  r.log(`| 0 | ${startRss.toFixed(0)} MiB |`);
  for (const s of samples) r.log(`| ${s.minute} | ${s.rss.toFixed(0)} MiB |`);
  r.log(
    `\nsnapshot frames delivered: ${frames.toLocaleString('en-US')}; streams the server ended early: ${dropped}; delay from a snapshot's generatedAt to a client (1 client in 10 measured, ${delays.length.toLocaleString('en-US')} frames): p50 ${ms(q(delays, 0.5))}, p95 ${ms(q(delays, 0.95))}, max ${ms(delays.at(-1) ?? NaN)}`,
  );
}

async function role(url: string): Promise<string | null> {
  try {
    return ((await (await fetch(`${url}/api/health`)).json()) as { role?: string | null }).role ?? null;
  } catch {
    return null;
  }
}

/** Two replicas on PostgreSQL; the leader is killed (SIGKILL) `kills` times. */
export async function takeover(layout: StackLayout, kills: number, r: BenchRecorder): Promise<void> {
  r.section(`Leader takeover: two replicas on PostgreSQL, the leader killed ${kills} times`);
  await stopDashboard(layout);
  const urls = await startDashboard(layout, { replicas: 2, database: 'postgres' });
  const rows: string[] = [];
  try {
    for (let k = 1; k <= kills; k++) {
      let roles: Array<string | null> = [];
      for (let i = 0; i < 600 && !(roles.includes('leader') && roles.includes('follower')); i++) {
        roles = await Promise.all(urls.map(role));
        await sleep(100);
      }
      const leader = roles.indexOf('leader');
      if (leader < 0) throw new Error(`no leader: ${JSON.stringify(roles)}`);
      const other = urls[1 - leader]!;
      const killedAt = Date.now();
      process.kill(readPid(dashboardProcess(layout, leader + 1))!, 'SIGKILL');
      let leadsAt = 0;
      let firstSnapshotAt = 0;
      while (Date.now() - killedAt < 30_000 && !firstSnapshotAt) {
        if (!leadsAt && (await role(other)) === 'leader') leadsAt = Date.now();
        if (leadsAt) {
          const s = (await (await fetch(`${other}/api/topology`)).json()) as { generatedAt: string };
          if (Date.parse(s.generatedAt) > killedAt) firstSnapshotAt = Date.parse(s.generatedAt);
        }
        await sleep(20);
      }
      rows.push(`| ${k} | ${ms(leadsAt - killedAt)} | ${ms(firstSnapshotAt - killedAt)} |`);
      await startDashboard(layout, { replicas: 2, database: 'postgres' });
    }
  } finally {
    r.log('| kill | follower reports leading | first snapshot it polled |');
    r.log('|---|---|---|');
    for (const row of rows) r.log(row);
    r.log('(polled every 20 ms; the demo polls AMQP every 500 ms and the rest every 5 s)');
    await stopDashboard(layout);
    await startDashboard(layout);
  }
}

/**
 * Wrong passwords for the operator from 200 addresses, 50 at a time, for `seconds`, while the
 * operator signs in from their own address every 2 s.
 */
export async function signInFlood(layout: StackLayout, seconds: number, r: BenchRecorder): Promise<void> {
  r.section(`Sign-in under a guessing flood (${seconds} s)`);
  const base = dashboardUrl(layout);
  const password = stackSecrets(layout).users.operator;
  const post = (body: unknown, address: string) =>
    fetch(`${base}/api/auth/sign-in`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: base, 'x-forwarded-for': address },
      body: JSON.stringify(body),
    });
  const endAt = Date.now() + seconds * 1000;
  const answers = new Map<number, number>();
  let n = 0;
  const attackers = Array.from({ length: 50 }, async () => {
    while (Date.now() < endAt) {
      const i = n++;
      const res = await post({ name: demoUsers.operator, password: `guess-${i}` }, `192.0.2.${i % 200}`).catch(
        () => null,
      );
      const status = res?.status ?? 0;
      await res?.arrayBuffer();
      answers.set(status, (answers.get(status) ?? 0) + 1);
    }
  });
  const real: Array<{ status: number; ms: number }> = [];
  const owner = (async () => {
    while (Date.now() < endAt) {
      const t = performance.now();
      const res = await post({ name: demoUsers.operator, password }, '198.51.100.7');
      await res.arrayBuffer();
      real.push({ status: res.status, ms: performance.now() - t });
      await sleep(2000);
    }
  })();
  await Promise.all([...attackers, owner]);
  const total = [...answers.values()].reduce((a, b) => a + b, 0);
  r.log('| attacker answers | count |');
  r.log('|---|---|');
  for (const [status, count] of [...answers].sort()) r.log(`| ${status} | ${count} |`);
  r.log(`\nflood throughput: ${(total / seconds).toFixed(0)} answers per second`);
  const ok = real.filter((r) => r.status === 200);
  const times = real.map((r) => r.ms).sort((a, b) => a - b);
  r.log(
    `the real operator: ${ok.length} of ${real.length} sign-ins succeeded; time p50 ${ms(q(times, 0.5))}, max ${ms(times.at(-1) ?? NaN)}`,
  );
}

// `tsx scripts/bench-production.ts [sse|takeover|sign-in]...` on a running test stack.
if (process.argv[1]?.endsWith('bench-production.ts')) {
  const layout = stackLayout('test');
  const which = process.argv.slice(2);
  const all = which.length === 0;
  const { BenchRecorder } = await import('./bench-report');
  const r = new BenchRecorder();
  if (all || which.includes('sign-in')) await signInFlood(layout, 30, r);
  if (all || which.includes('takeover')) await takeover(layout, 5, r);
  if (all || which.includes('sse')) await sseSoak(layout, 1000, Number(process.env.WARROOM_SSE_MINUTES ?? 10), r);
}
