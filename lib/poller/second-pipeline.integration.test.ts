import type { Channel, ChannelModel } from 'amqplib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rabbitManagementUrl, stackLayout } from '../../scripts/stack';
import { sleep } from '../../scripts/stack/processes';
import {
  passedFiftyAt as passedFiftyIn,
  publishAt as publishIn,
  TestVhost,
  WatchedPipeline,
  WorkerGroup,
} from '../../scripts/testing/amqp-pipeline';
import { recordFigures } from '../../scripts/testing/figures';

/**
 * A pipeline warroom was not written for, on the real broker: other names, its own vhost, two ML
 * stages in sequence (text extraction, then embedding) and result writers, no end-to-end
 * histogram, no Prometheus and no Nomad, so every figure comes from the broker and the
 * end-to-end one is estimated. Its workers are real AMQP consumers in this process whose count
 * and service time each scenario sets. The poller is the one the dashboard runs, built from a
 * YAML file as a new user would write it. In each scenario warroom must name the right stage
 * within 2 s of the backlog passing 50 (timed against this test's own lag-free queue checks),
 * and raise nothing while the pipeline is healthy.
 */
const layout = stackLayout('test');
const vhost = 'docs-pipeline';
const queues = { ingest: 'docs.ingest', embed: 'docs.embed', results: 'docs.results', retry: 'docs.retry' };
const testVhost = new TestVhost(layout, vhost);
const configYaml = `
auth: { sessionSecret: '${'s'.repeat(40)}', anonymousRead: true }
pipeline:
  name: doc-search
  endToEnd: { sloMs: 8000 }
  stages:
    - { id: intake, kind: service, label: Document intake }
    - { id: ingest-queue, kind: queue, label: Ingest queue, queue: { name: ${queues.ingest} } }
    - { id: extractors, kind: workers, label: Text extraction (GPU), consumesFrom: ingest-queue }
    - { id: embed-queue, kind: queue, label: Embedding queue, queue: { name: ${queues.embed} } }
    - { id: embedders, kind: workers, label: Embedding model (GPU), consumesFrom: embed-queue }
    - { id: results-queue, kind: queue, label: Results queue, queue: { name: ${queues.results} } }
    - { id: result-writers, kind: workers, label: Result writers, consumesFrom: results-queue }
    - { id: search-index, kind: store, label: Search index }
sources:
  rabbitmq:
    managementUrl: ${rabbitManagementUrl(layout)}
    amqpUrl: amqp://127.0.0.1:${layout.ports.amqp}
    username: \${RABBIT_USER}
    password: \${RABBIT_PASSWORD}
    vhost: ${vhost}
`;

let connection: ChannelModel;
let checks: Channel;
const watched = new WatchedPipeline(layout, configYaml, 'doc-search.yaml');
let groups: { extractors: WorkerGroup; embedders: WorkerGroup; writers: WorkerGroup };
let publisher: NodeJS.Timeout | null = null;
/** Named this long after the backlog passed 50 (negative: before), per scenario. */
const detectionLagMs: Record<string, number> = {};

/** Documents arrive at `perSec`, stamped with the AMQP timestamp (as the demo's API does). */
const publishAt = (perSec: number, queue = queues.ingest) => publishIn(checks, queue, perSec);
const passedFiftyAt = (queue: string) => passedFiftyIn(checks, queue);

const healthy = async () => {
  await groups.extractors.set(4, 100); // 40/s
  await groups.embedders.set(4, 150); // ~26/s
  await groups.writers.set(3, 60); // 50/s
};

/** Back to healthy, and the bottleneck (held until its queue is under half the threshold) cleared. */
async function recover() {
  await healthy();
  await groups.embedders.set(8, 100);
  await groups.writers.set(8, 40);
  const since = Date.now();
  await watched.first(since, (s) => s.bottleneck === null, 90_000);
  await healthy();
}

beforeAll(async () => {
  connection = await testVhost.create();
  checks = await connection.createChannel();
  for (const q of Object.values(queues)) await checks.assertQueue(q, { durable: false });
  groups = {
    extractors: new WorkerGroup(connection, queues.ingest, queues.embed),
    embedders: new WorkerGroup(connection, queues.embed, queues.results),
    writers: new WorkerGroup(connection, queues.results, null),
  };
  await healthy();
  publisher = publishAt(10);
  await watched.start();
}, 120_000);

afterAll(async () => {
  if (Object.keys(detectionLagMs).length > 0) recordFigures('second-pipeline-detection-lag-ms', detectionLagMs);
  if (publisher) clearInterval(publisher);
  await watched.stop();
  for (const g of Object.values(groups ?? {})) await g.close().catch(() => undefined);
  await connection?.close().catch(() => undefined);
  await testVhost.delete();
});

describe('a second pipeline: own vhost, two ML stages, no end-to-end histogram, no Prometheus, no Nomad', () => {
  it('healthy: no alarm of any kind for 25 s, the end-to-end figure estimated from the queues', async () => {
    await sleep(8000); // a few management cycles, so the broker's rates exist
    const since = Date.now();
    await sleep(25_000);
    const seen = watched.since(since);
    expect(seen.length).toBeGreaterThan(20);
    for (const s of seen) {
      expect(s.pipeline).toBe('doc-search');
      expect(s.bottleneck).toBeNull();
      expect(s.insights).toEqual([]);
      expect(s.unmonitoredQueues.filter((q) => q.vhost === vhost && q.alert !== null)).toEqual([]);
      expect(s.sources.rabbitmq.status).toBe('ok');
    }
    const last = seen.at(-1)!;
    expect(last.endToEnd.pMs === null || last.endToEnd.estimated === true).toBe(true);
    expect(last.stages.map((st) => st.id)).toEqual([
      'intake',
      'ingest-queue',
      'extractors',
      'embed-queue',
      'embedders',
      'results-queue',
      'result-writers',
      'search-index',
    ]);
    expect(last.stages.find((st) => st.id === 'embed-queue')!.queue!.consumers).toBe(4);
  });

  it('mid-pipeline saturation: the second ML stage is named, within 2 s of its queue passing 50', async () => {
    const since = Date.now();
    await groups.embedders.set(1, 250); // 4/s against 10/s arriving
    const passedMs = await passedFiftyAt(queues.embed);
    const hit = await watched.first(since, (s) => s.bottleneck !== null);
    expect(hit.s.bottleneck).toMatchObject({ stageId: 'embedders', queueStageId: 'embed-queue' });
    expect(hit.s.bottleneck!.reason).toContain('Embedding queue');
    expect(hit.atMs - passedMs).toBeLessThanOrEqual(2000);
    detectionLagMs.midPipelineSaturation = hit.atMs - passedMs;
    expect(hit.s.stages.find((st) => st.id === 'embedders')!.status).toBe('crit');
    expect(hit.s.stages.find((st) => st.id === 'extractors')!.status).toBe('ok');
    // No Nomad: no scale to recommend, but the numbers say what is short.
    expect(hit.s.bottleneck!.recommendation).toBeUndefined();
    await recover();
  });

  it('reply starvation: the result writers are named, not the ML stages, within 2 s', async () => {
    const since = Date.now();
    await groups.writers.set(1, 250); // 4/s against 10/s of results
    const passedMs = await passedFiftyAt(queues.results);
    const hit = await watched.first(since, (s) => s.bottleneck !== null);
    expect(hit.s.bottleneck).toMatchObject({ stageId: 'result-writers', queueStageId: 'results-queue' });
    expect(hit.atMs - passedMs).toBeLessThanOrEqual(2000);
    detectionLagMs.replyStarvation = hit.atMs - passedMs;
    for (const id of ['extractors', 'embedders']) expect(hit.s.stages.find((st) => st.id === id)!.status).toBe('ok');
    await recover();
  });

  it('orphan queues: a configured queue that loses its consumers, and a queue nobody configured, are both raised', async () => {
    const since = Date.now();
    await groups.writers.set(0, 0);
    const passedMs = await passedFiftyAt(queues.results);
    const hit = await watched.first(since, (s) => s.bottleneck !== null);
    expect(hit.s.bottleneck).toMatchObject({ stageId: 'result-writers', queueStageId: 'results-queue' });
    detectionLagMs.orphanConfiguredQueue = hit.atMs - passedMs;
    expect(hit.s.bottleneck!.reason).toContain('no consumer');
    expect(hit.atMs - passedMs).toBeLessThanOrEqual(2000);
    await recover();

    // A retry queue the configuration does not name, filling with nobody reading it.
    const retries = publishAt(5, queues.retry);
    try {
      const orphan = await watched.first(
        since,
        (s) => s.unmonitoredQueues.some((q) => q.vhost === vhost && q.name === queues.retry && q.alert !== null),
        30_000,
      );
      expect(orphan.s.unmonitoredQueues.find((q) => q.name === queues.retry)!.alert).toMatch(/no-consumers|growing/);
    } finally {
      clearInterval(retries);
    }
  });
});
