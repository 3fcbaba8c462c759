import {
  dashboardUrl,
  pipelineUrls,
  rabbitManagementUrl,
  prometheusUrl,
  setScenario,
  stackSecrets,
  waitForAllocations,
  type StackLayout,
} from '../stack';
import type { Snapshot } from '../../lib/contracts/snapshot';
import { sleep } from '../stack/processes';
import { signIn } from './dashboard-client';
import { demoGroups, demoJobIds } from '../../demo/jobs';
import type { WindowStats } from '../../demo/loadgen/latency-window';

/** Helpers the integration tests use to drive and observe the running demo, all through real APIs. */
export function nomadFetch(
  layout: StackLayout,
  path: string,
  init: RequestInit = {},
  token = stackSecrets(layout).nomadToken,
) {
  return fetch(`${pipelineUrls(layout).nomad}${path}`, {
    ...init,
    headers: { ...(init.headers ?? {}), 'X-Nomad-Token': token, 'content-type': 'application/json' },
  });
}

export async function scaleGroup(
  layout: StackLayout,
  job: string,
  group: string,
  count: number,
  message = 'integration test',
): Promise<void> {
  const res = await nomadFetch(layout, `/v1/job/${job}/scale`, {
    method: 'POST',
    body: JSON.stringify({ Count: count, Target: { Group: group }, Message: message }),
  });
  if (!res.ok) throw new Error(`scale ${job}/${group} to ${count}: ${res.status} ${await res.text()}`);
}

export interface LoadgenStats {
  scenario: string;
  totals: { sent: number; ok: number; failed: number };
  inFlight: number;
  window: WindowStats;
}

export async function loadgenStats(layout: StackLayout, windowSec: number): Promise<LoadgenStats> {
  const res = await fetch(`${pipelineUrls(layout).loadgen}/stats?window=${windowSec}`);
  return (await res.json()) as LoadgenStats;
}

export interface QueueState {
  ready: number;
  unacked: number;
  consumers: number;
}

export async function queueState(layout: StackLayout, name: string): Promise<QueueState> {
  const s = stackSecrets(layout);
  const auth = Buffer.from(`${s.rabbitUser}:${s.rabbitPassword}`).toString('base64');
  const res = await fetch(
    `${rabbitManagementUrl(layout)}/api/queues/${encodeURIComponent('/')}/${encodeURIComponent(name)}?columns=messages_ready,messages_unacknowledged,consumers`,
    { headers: { authorization: `Basic ${auth}` } },
  );
  if (!res.ok) throw new Error(`queue ${name}: ${res.status}`);
  const q = (await res.json()) as { messages_ready?: number; messages_unacknowledged?: number; consumers?: number };
  return { ready: q.messages_ready ?? 0, unacked: q.messages_unacknowledged ?? 0, consumers: q.consumers ?? 0 };
}

/** One instant query; null when the result is empty or NaN (no traffic). */
export async function promScalar(layout: StackLayout, query: string): Promise<number | null> {
  const res = await fetch(`${prometheusUrl(layout)}/api/v1/query`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ query }),
  });
  const body = (await res.json()) as {
    status: string;
    data?: { result: Array<{ value: [number, string] }> };
    error?: string;
  };
  if (body.status !== 'success') throw new Error(`prometheus: ${body.error}`);
  const value = Number(body.data?.result[0]?.value[1]);
  return Number.isFinite(value) ? value : null;
}

/** Sum of a counter across the API's /metrics (the API process is the only one serving it). */
export async function apiCounter(layout: StackLayout, name: string): Promise<number> {
  const text = await (await fetch(`${pipelineUrls(layout).api}/metrics`)).text();
  return text
    .split('\n')
    .filter((line) => line.startsWith(`${name}{`) || line.startsWith(`${name} `))
    .reduce((sum, line) => sum + Number(line.slice(line.lastIndexOf(' ') + 1)), 0);
}

/** Polls `read` until `done` holds, returning the last value; throws with it after timeoutMs. */
export async function waitFor<T>(
  read: () => Promise<T>,
  done: (value: T) => boolean,
  timeoutMs: number,
  what: string,
  intervalMs = 1000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T | undefined;
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      last = await read();
      if (done(last)) return last;
    } catch (err) {
      lastError = err;
    }
    await sleep(intervalMs);
  }
  throw new Error(
    `timed out after ${timeoutMs} ms waiting for ${what}; last value ${JSON.stringify(last)?.slice(0, 800)}${lastError ? `, last error ${(lastError as Error).message}` : ''}`,
  );
}

export const defaultCounts = { replyConsumers: 3, mlWorkers: 10 };

/** Back to the starting point: no traffic, nothing in flight, default counts, empty queues. */
export async function resetPipeline(layout: StackLayout): Promise<void> {
  await setScenario(layout, 'idle');
  await scaleGroup(layout, demoJobIds.api, demoGroups.replyConsumer, 30, 'reset: drain');
  await waitFor(
    () => loadgenStats(layout, 5),
    (s) => s.inFlight === 0,
    180_000,
    'in-flight requests to finish',
  );
  await scaleGroup(layout, demoJobIds.api, demoGroups.replyConsumer, defaultCounts.replyConsumers, 'reset');
  await scaleGroup(layout, demoJobIds.ml, demoGroups.mlWorker, defaultCounts.mlWorkers, 'reset');
  await waitForAllocations(layout, 60_000);
  for (const queue of ['ml.requests', 'api.replies']) {
    await waitFor(
      () => queueState(layout, queue),
      (q) => q.ready + q.unacked === 0,
      60_000,
      `${queue} to be empty`,
    );
  }
}

const viewerCookies = new Map<string, Promise<string>>();

/** The live snapshot as a signed-in viewer sees it (anonymous viewers get the public view, without source errors). */
export async function topology(layout: StackLayout): Promise<Snapshot> {
  let cookie = viewerCookies.get(layout.stateDir);
  if (!cookie) {
    cookie = signIn(layout, 'viewer');
    cookie.catch(() => viewerCookies.delete(layout.stateDir));
    viewerCookies.set(layout.stateDir, cookie);
  }
  const res = await fetch(`${dashboardUrl(layout)}/api/topology`, {
    cache: 'no-store',
    headers: { cookie: await cookie },
  });
  if (!res.ok) throw new Error(`/api/topology: ${res.status} ${await res.text()}`);
  return (await res.json()) as Snapshot;
}
