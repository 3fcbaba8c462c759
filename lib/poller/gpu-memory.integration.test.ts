import { afterAll, describe, expect, it } from 'vitest';
import { prometheusUrl, stackLayout, stackSecrets } from '../../scripts/stack';
import { promScalar, waitFor } from '../../scripts/testing/demo-client';
import type { Snapshot } from '../contracts/snapshot';
import { parseConfig } from '../config/load-config';
import { Poller } from './poller';

/**
 * GPU memory read from the real Prometheus, as the demo's ML workers export it under
 * dcgm-exporter's names (one simulated card each): the poller the dashboard runs, built from a
 * YAML file, must put what Prometheus holds into the snapshot (GPUs counted, used and total
 * summed, the share per running worker from the Nomad stand-in), and a memory query that fails or
 * pairs nothing must leave memory unknown while Prometheus stays ok and utilisation keeps coming.
 */
const layout = stackLayout('test');

function pollerWith(gpuMemory: string): { poller: Poller; snapshots: Snapshot[] } {
  const yaml = `
auth: { sessionSecret: '${'s'.repeat(40)}', anonymousRead: true }
pipeline:
  name: gpu-memory
  endToEnd: { sloMs: 3000 }
  stages:
    - { id: request-queue, kind: queue, queue: { name: ml.requests } }
    - id: ml-workers
      kind: workers
      consumesFrom: request-queue
      gpuUtilQuery: avg(DCGM_FI_DEV_GPU_UTIL)
      gpuMemory: ${gpuMemory}
      nomad: { job: ml-inference, group: worker }
polling: { prometheusMs: 1000, nomadMs: 1000 }
sources:
  prometheus: { url: ${prometheusUrl(layout)} }
  nomad: { url: 'http://127.0.0.1:${layout.ports.nomad}', token: '\${NOMAD_TOKEN}', namespace: default }
`;
  const poller = new Poller(
    parseConfig(yaml, 'gpu-memory.yaml', { NOMAD_TOKEN: stackSecrets(layout).nomadToken }),
    null,
  );
  const snapshots: Snapshot[] = [];
  poller.on('snapshot', (s: Snapshot) => snapshots.push(s));
  poller.start();
  return { poller, snapshots };
}

const pollers: Poller[] = [];
afterAll(async () => {
  await Promise.all(pollers.map((p) => p.stop()));
});

const mlOf = (s: Snapshot) => s.stages.find((st) => st.id === 'ml-workers')!;

describe('GPU memory from the real Prometheus', () => {
  it("dcgm-exporter's used and free land in the snapshot, per GPU and per worker", async () => {
    const { poller, snapshots } = pollerWith('{ usedQuery: DCGM_FI_DEV_FB_USED, freeQuery: DCGM_FI_DEV_FB_FREE }');
    pollers.push(poller);
    const s = await waitFor(
      async () => snapshots.at(-1) ?? null,
      (x) => x !== null && mlOf(x).gpu?.memory !== undefined && (mlOf(x).workers?.running ?? 0) > 0,
      30_000,
      'GPU memory in the snapshot',
    );
    const [gpus, totalMiB, usedMiB] = await Promise.all([
      promScalar(layout, 'count(DCGM_FI_DEV_FB_USED)'),
      promScalar(layout, 'sum(DCGM_FI_DEV_FB_USED + DCGM_FI_DEV_FB_FREE)'),
      promScalar(layout, 'sum(DCGM_FI_DEV_FB_USED)'),
    ]);
    const ml = mlOf(s!);
    const memory = ml.gpu!.memory!;
    expect(s!.sources.prometheus.status).toBe('ok');
    // One simulated card per worker: Prometheus' GPUs are Nomad's running workers.
    expect(memory.gpus).toBe(gpus);
    expect(memory.gpus).toBe(ml.workers!.running);
    expect(memory.totalMiB).toBe(totalMiB);
    expect(memory.perGpuTotalMiB).toBe(totalMiB! / gpus!);
    // Used moves with each worker's busy share (activations) between scrapes: within a few
    // hundred MiB per GPU of what Prometheus says a moment later.
    expect(Math.abs(memory.usedMiB - usedMiB!)).toBeLessThanOrEqual(gpus! * 600);
    expect(memory.perWorkerMiB).toBe(Math.round(memory.usedMiB / ml.workers!.running));
    const room = ml.gpu!.room!;
    expect(room.memoryMeasured).toBe(true);
    expect(room.byMemory).toBe(Math.floor((memory.perGpuTotalMiB * 0.9) / (memory.usedMiB / ml.workers!.running)));
    expect(room.perGpu).toBeLessThanOrEqual(room.byMemory!);
  });

  it.each([
    ['a query Prometheus refuses', "{ usedQuery: 'DCGM_FI_DEV_FB_USED{', freeQuery: DCGM_FI_DEV_FB_FREE }"],
    [
      'a free query that pairs with no GPU',
      `{ usedQuery: DCGM_FI_DEV_FB_USED, freeQuery: 'DCGM_FI_DEV_FB_FREE{gpu="none"}' }`,
    ],
  ])('%s: memory unknown, Prometheus ok, utilisation still read', async (_name, gpuMemory) => {
    const { poller, snapshots } = pollerWith(gpuMemory);
    pollers.push(poller);
    // Several cycles, so that a failure would have had time to show.
    const s = await waitFor(
      async () => (snapshots.length >= 5 ? snapshots.at(-1)! : null),
      (x) => x !== null && mlOf(x).gpu !== undefined && (mlOf(x).workers?.running ?? 0) > 0,
      30_000,
      'snapshots with GPU utilisation',
    );
    const ml = mlOf(s!);
    expect(s!.sources.prometheus).toMatchObject({ status: 'ok' });
    expect(s!.sources.prometheus.error).toBeUndefined();
    expect(ml.gpu!.utilPct).toBeGreaterThanOrEqual(0);
    expect(ml.gpu!.memory).toBeUndefined();
    expect(ml.gpu!.room).toMatchObject({ memoryMeasured: false, byMemory: null });
    expect(ml.gpu!.room!.summary).toContain('GPU memory not measured');
  });
});
