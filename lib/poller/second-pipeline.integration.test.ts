import amqp, { type Channel, type ChannelModel } from 'amqplib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rabbitManagementUrl, stackLayout, stackSecrets } from '../../scripts/stack';
import { sleep } from '../../scripts/stack/processes';
import { waitFor } from '../../scripts/testing/demo-client';
import { recordFigures } from '../../scripts/testing/figures';
import type { Snapshot } from '../contracts/snapshot';
import { parseConfig } from '../config/load-config';
import { Poller } from './poller';

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
const secrets = stackSecrets(layout);
const managementAuth = `Basic ${Buffer.from(`${secrets.rabbitUser}:${secrets.rabbitPassword}`).toString('base64')}`;

async function management(method: 'PUT' | 'DELETE', path: string, body?: unknown): Promise<void> {
  const res = await fetch(`${rabbitManagementUrl(layout)}${path}`, {
    method,
    headers: { authorization: managementAuth, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!res.ok && !(method === 'DELETE' && res.status === 404))
    throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
}

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

/** One worker group: `count` consumers, each taking one message at a time for `serviceMs`. */
class WorkerGroup {
  private channels: Channel[] = [];
  constructor(
    private readonly connection: ChannelModel,
    private readonly from: string,
    private readonly to: string | null,
  ) {}

  async set(count: number, serviceMs: number): Promise<void> {
    const old = this.channels;
    this.channels = [];
    for (let i = 0; i < count; i++) {
      const ch = await this.connection.createChannel();
      await ch.prefetch(1);
      await ch.consume(this.from, (msg) => {
        if (!msg) return;
        setTimeout(() => {
          try {
            if (this.to) ch.sendToQueue(this.to, msg.content, { timestamp: Math.floor(Date.now() / 1000) });
            ch.ack(msg);
          } catch {
            // The channel closed while this message was in hand: the broker redelivers it.
          }
        }, serviceMs);
      });
      this.channels.push(ch);
    }
    await Promise.all(old.map((ch) => ch.close().catch(() => undefined)));
  }

  async close(): Promise<void> {
    await this.set(0, 0);
  }
}

let connection: ChannelModel;
let checks: Channel;
let poller: Poller;
let groups: { extractors: WorkerGroup; embedders: WorkerGroup; writers: WorkerGroup };
let publisher: NodeJS.Timeout | null = null;
const snapshots: Array<{ atMs: number; s: Snapshot }> = [];
/** Named this long after the backlog passed 50 (negative: before), per scenario. */
const detectionLagMs: Record<string, number> = {};

/** Documents arrive at `perSec`, stamped with the AMQP timestamp (as the demo's API does). */
function publishAt(perSec: number, queue = queues.ingest, ch?: Channel): NodeJS.Timeout {
  const channel = ch ?? checks;
  let carry = 0;
  return setInterval(() => {
    carry += perSec / 10;
    for (; carry >= 1; carry--)
      channel.sendToQueue(queue, Buffer.from('{"doc":1}'), { timestamp: Math.floor(Date.now() / 1000) });
  }, 100);
}

/** When this test's own passive declares (every 100 ms) first see more than 50 ready in `queue`. */
async function passedFiftyAt(queue: string, timeoutMs = 60_000): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const { messageCount } = await checks.checkQueue(queue);
    if (messageCount > 50) return Date.now();
    await sleep(100);
  }
  throw new Error(`${queue} never passed 50 ready`);
}

/** The first snapshot at or after `sinceMs` in which `named` holds, waiting up to timeoutMs. */
async function firstNamed(sinceMs: number, named: (s: Snapshot) => boolean, timeoutMs = 60_000) {
  const hit = await waitFor(
    async () => snapshots.find((x) => x.atMs >= sinceMs && named(x.s)) ?? null,
    (x) => x !== null,
    timeoutMs,
    'the bottleneck to be named',
    100,
  );
  return hit!;
}

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
  await firstNamed(since, (s) => s.bottleneck === null, 90_000);
  await healthy();
}

beforeAll(async () => {
  await management('DELETE', `/api/vhosts/${vhost}`);
  await management('PUT', `/api/vhosts/${vhost}`, {});
  await management('PUT', `/api/permissions/${vhost}/${encodeURIComponent(secrets.rabbitUser)}`, {
    configure: '.*',
    write: '.*',
    read: '.*',
  });
  connection = await amqp.connect(
    `amqp://${encodeURIComponent(secrets.rabbitUser)}:${encodeURIComponent(secrets.rabbitPassword)}@127.0.0.1:${layout.ports.amqp}/${encodeURIComponent(vhost)}`,
  );
  checks = await connection.createChannel();
  for (const q of Object.values(queues)) await checks.assertQueue(q, { durable: false });
  groups = {
    extractors: new WorkerGroup(connection, queues.ingest, queues.embed),
    embedders: new WorkerGroup(connection, queues.embed, queues.results),
    writers: new WorkerGroup(connection, queues.results, null),
  };
  await healthy();
  const config = parseConfig(configYaml, 'doc-search.yaml', {
    RABBIT_USER: secrets.rabbitUser,
    RABBIT_PASSWORD: secrets.rabbitPassword,
  });
  poller = new Poller(config, null);
  poller.on('snapshot', (s: Snapshot) => snapshots.push({ atMs: Date.now(), s }));
  poller.start();
  publisher = publishAt(10);
  await waitFor(
    async () => poller.settled() && poller.snapshot().sources.rabbitmq.status === 'ok',
    (ok) => ok,
    30_000,
    'the poller to settle on the broker',
    200,
  );
}, 120_000);

afterAll(async () => {
  if (Object.keys(detectionLagMs).length > 0) recordFigures('second-pipeline-detection-lag-ms', detectionLagMs);
  if (publisher) clearInterval(publisher);
  await poller?.stop();
  for (const g of Object.values(groups ?? {})) await g.close().catch(() => undefined);
  await connection?.close().catch(() => undefined);
  await management('DELETE', `/api/vhosts/${vhost}`);
});

describe('a second pipeline: own vhost, two ML stages, no end-to-end histogram, no Prometheus, no Nomad', () => {
  it('healthy: no alarm of any kind for 25 s, the end-to-end figure estimated from the queues', async () => {
    await sleep(8000); // a few management cycles, so the broker's rates exist
    const since = Date.now();
    await sleep(25_000);
    const seen = snapshots.filter((x) => x.atMs >= since).map((x) => x.s);
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
    const hit = await firstNamed(since, (s) => s.bottleneck !== null);
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
    const hit = await firstNamed(since, (s) => s.bottleneck !== null);
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
    const hit = await firstNamed(since, (s) => s.bottleneck !== null);
    expect(hit.s.bottleneck).toMatchObject({ stageId: 'result-writers', queueStageId: 'results-queue' });
    detectionLagMs.orphanConfiguredQueue = hit.atMs - passedMs;
    expect(hit.s.bottleneck!.reason).toContain('no consumer');
    expect(hit.atMs - passedMs).toBeLessThanOrEqual(2000);
    await recover();

    // A retry queue the configuration does not name, filling with nobody reading it.
    const retries = publishAt(5, queues.retry);
    try {
      const orphan = await firstNamed(
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
