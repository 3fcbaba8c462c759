import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { buildDemo } from '../../demo/build';
import { demoJobIds, demoJobs } from '../../demo/jobs';
import type { ScenarioName } from '../../demo/loadgen/scenarios';
import { ensureDir, type StackLayout } from './paths';
import { httpOk, managed, runningPid, sleep, startDetached, stopManaged, waitUntilReady } from './processes';
import { prometheusTargetsDir } from './prometheus';
import { rabbitAmqpUrl } from './rabbitmq';
import { stackSecrets } from './secrets';

/**
 * Starts the demo pipeline on a running stack: the Nomad stand-in (which runs the API, the reply
 * consumers and the ML workers) and the load generator, each a managed process with a pid file.
 */
export interface PipelineUrls {
  nomad: string;
  api: string;
  loadgen: string;
}

export function pipelineUrls(layout: StackLayout): PipelineUrls {
  return {
    nomad: `http://127.0.0.1:${layout.ports.nomad}`,
    api: `http://127.0.0.1:${layout.ports.demoApi}`,
    loadgen: `http://127.0.0.1:${layout.ports.loadgen}`,
  };
}

export function pipelineProcesses(layout: StackLayout) {
  return { nomad: managed(layout.stateDir, 'nomad-standin'), loadgen: managed(layout.stateDir, 'loadgen') };
}

/** Waits until every group of every demo job runs its desired count. */
export async function waitForAllocations(layout: StackLayout, timeoutMs = 60_000): Promise<void> {
  const urls = pipelineUrls(layout);
  const token = stackSecrets(layout).nomadToken;
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    const statuses = await Promise.all(
      Object.values(demoJobIds).map(async (id) => {
        const res = await fetch(`${urls.nomad}/v1/job/${id}/scale`, { headers: { 'X-Nomad-Token': token } });
        return (await res.json()) as {
          TaskGroups: Record<string, { Desired: number; Running: number; Placed: number }>;
        };
      }),
    ).catch(() => null);
    if (statuses) {
      const groups = statuses.flatMap((s) => Object.entries(s.TaskGroups));
      last = groups.map(([g, t]) => `${g} ${t.Running}/${t.Desired}`).join(', ');
      if (groups.every(([, t]) => t.Running === t.Desired && t.Placed === t.Desired)) return;
    }
    await sleep(250);
  }
  throw new Error(`allocations not running after ${timeoutMs} ms: ${last}`);
}

export async function startPipeline(layout: StackLayout, options: { scenario: ScenarioName }): Promise<PipelineUrls> {
  const urls = pipelineUrls(layout);
  const procs = pipelineProcesses(layout);
  const secrets = stackSecrets(layout);
  const demoDir = ensureDir(path.join(layout.stateDir, 'demo'));
  const bundles = await buildDemo(path.join(demoDir, 'dist'));

  if (runningPid(procs.nomad) === null) {
    const jobsFile = path.join(demoDir, 'jobs.json');
    const jobs = demoJobs({
      nodePath: process.execPath,
      bundles,
      amqpUrl: rabbitAmqpUrl(layout),
      apiPort: layout.ports.demoApi,
    });
    writeFileSync(jobsFile, JSON.stringify({ Jobs: jobs }, null, 2), { mode: 0o600 });
    startDetached(
      procs.nomad,
      process.execPath,
      [
        bundles.nomad,
        `--port=${layout.ports.nomad}`,
        `--jobs=${jobsFile}`,
        `--targets-dir=${prometheusTargetsDir(layout)}`,
        `--alloc-log-dir=${ensureDir(path.join(layout.stateDir, 'log', 'allocs'))}`,
        `--alloc-ports=${layout.ports.allocRangeStart}-${layout.ports.allocRangeEnd}`,
      ],
      { env: { ...process.env, NOMAD_STANDIN_TOKEN: secrets.nomadToken } },
    );
  }
  await waitUntilReady(
    procs.nomad,
    () => httpOk(`${urls.nomad}/v1/status/leader`, { headers: { 'X-Nomad-Token': secrets.nomadToken } }),
    20_000,
  );
  await waitForAllocations(layout);
  await waitUntilReady(procs.nomad, () => httpOk(`${urls.api}/healthz`), 30_000);

  if (runningPid(procs.loadgen) === null) {
    startDetached(procs.loadgen, process.execPath, [
      bundles.loadgen,
      `--scenario=${options.scenario}`,
      `--api=${urls.api}`,
      `--port=${layout.ports.loadgen}`,
    ]);
  }
  await waitUntilReady(procs.loadgen, () => httpOk(`${urls.loadgen}/scenario`), 20_000);
  await setScenario(layout, options.scenario);
  return urls;
}

export async function stopPipeline(layout: StackLayout): Promise<void> {
  const procs = pipelineProcesses(layout);
  await stopManaged(procs.loadgen, 5_000, 'SIGTERM', [layout.ports.loadgen]);
  // The stand-in gives each allocation its KillTimeout (30 s) to finish the message in hand; the
  // allocations are in its process group, so this also waits for the API (and its port) to go.
  await stopManaged(procs.nomad, 40_000, 'SIGTERM', [layout.ports.nomad, layout.ports.demoApi]);
}

export async function setScenario(layout: StackLayout, name: ScenarioName): Promise<void> {
  const res = await fetch(`${pipelineUrls(layout).loadgen}/scenario`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name }),
  });
  if (!res.ok) throw new Error(`loadgen refused scenario ${name}: ${res.status} ${await res.text()}`);
}
