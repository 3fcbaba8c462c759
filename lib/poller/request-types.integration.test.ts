import type { Channel, ChannelModel } from 'amqplib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rabbitManagementUrl, stackLayout } from '../../scripts/stack';
import { sleep } from '../../scripts/stack/processes';
import { passedFiftyAt, publishAt, TestVhost, WatchedPipeline, WorkerGroup } from '../../scripts/testing/amqp-pipeline';
import { recordFigures } from '../../scripts/testing/figures';
import type { Snapshot } from '../contracts/snapshot';

/**
 * Several request types on the real broker: a gateway sends face checks and ID parsing to their
 * own queues and GPU groups, whose answers join again on one queue that the gateway's consumers
 * drain (the README's `after` example, with other names, on a vhost of its own, with no Prometheus
 * and no Nomad). The workers are real AMQP consumers in this process. warroom must name the right
 * stage within 2 s of its queue passing 50 when one request type backs up and when the join does,
 * raise nothing while healthy, and estimate the end-to-end figure along the slowest way only.
 */
const layout = stackLayout('test');
const vhost = 'media-checks';
const queues = { face: 'media.face', ocr: 'media.ocr', answers: 'media.answers' };
const testVhost = new TestVhost(layout, vhost);
const rates = { face: 6, ocr: 4 };

const configYaml = `
auth: { sessionSecret: '${'s'.repeat(40)}', anonymousRead: true }
pipeline:
  name: media-checks
  endToEnd: { sloMs: 6000 }
  stages:
    - { id: gateway, kind: service, label: Media gateway }
    - { id: face-queue, kind: queue, label: Face queue, queue: { name: ${queues.face} } }
    - { id: face-workers, kind: workers, label: Face matching (GPU), consumesFrom: face-queue }
    - { id: ocr-queue, kind: queue, label: ID parsing queue, queue: { name: ${queues.ocr} }, after: gateway }
    - { id: ocr-workers, kind: workers, label: ID parsing (GPU), consumesFrom: ocr-queue }
    - id: answer-queue
      kind: queue
      label: Answer queue
      queue: { name: ${queues.answers} }
      after: [face-workers, ocr-workers]
    - { id: answer-consumers, kind: workers, label: Gateway answer consumers, consumesFrom: answer-queue }
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
const watched = new WatchedPipeline(layout, configYaml, 'media-checks.yaml');
let groups: { face: WorkerGroup; ocr: WorkerGroup; answers: WorkerGroup };
const publishers: NodeJS.Timeout[] = [];
const detectionLagMs: Record<string, number> = {};

const stage = (s: Snapshot, id: string) => s.stages.find((st) => st.id === id)!;

const healthy = async () => {
  await groups.face.set(3, 200); // 15/s against 6/s
  await groups.ocr.set(3, 300); // 10/s against 4/s
  await groups.answers.set(3, 50); // 60/s against 10/s
};

/** Back to healthy, and the bottleneck (held until its queue is under half the threshold) cleared. */
async function recover() {
  await groups.ocr.set(8, 100);
  await groups.answers.set(8, 20);
  await watched.first(Date.now(), (s) => s.bottleneck === null, 90_000);
  await healthy();
}

beforeAll(async () => {
  connection = await testVhost.create();
  checks = await connection.createChannel();
  for (const q of Object.values(queues)) await checks.assertQueue(q, { durable: false });
  groups = {
    face: new WorkerGroup(connection, queues.face, queues.answers),
    ocr: new WorkerGroup(connection, queues.ocr, queues.answers),
    answers: new WorkerGroup(connection, queues.answers, null),
  };
  await healthy();
  publishers.push(publishAt(checks, queues.face, rates.face), publishAt(checks, queues.ocr, rates.ocr));
  await watched.start();
}, 120_000);

afterAll(async () => {
  if (Object.keys(detectionLagMs).length > 0) recordFigures('request-types-detection-lag-ms', detectionLagMs);
  for (const p of publishers) clearInterval(p);
  await watched.stop();
  for (const g of Object.values(groups ?? {})) await g.close().catch(() => undefined);
  await connection?.close().catch(() => undefined);
  await testVhost.delete();
});

describe('several request types: two branches that join on one answer queue', () => {
  it('healthy: no alarm for 20 s, both branches counted into the join', async () => {
    await sleep(8000); // a few management cycles, so the broker's rates exist
    const since = Date.now();
    await sleep(20_000);
    const seen = watched.since(since);
    expect(seen.length).toBeGreaterThan(15);
    for (const s of seen) {
      expect(s.bottleneck).toBeNull();
      expect(s.insights).toEqual([]);
      expect(s.endToEnd.explainedMs).toBeLessThanOrEqual(s.endToEnd.pMs ?? 0);
    }
    const last = seen.at(-1)!;
    expect(last.stages.map((st) => st.after ?? null)).toEqual([
      null,
      null,
      null,
      ['gateway'],
      null,
      ['face-workers', 'ocr-workers'],
      null,
    ]);
    // The answer queue takes what both request types send: about 6 + 4 per second.
    const answers = stage(last, 'answer-queue').queue!;
    expect(answers.publishRate).toBeGreaterThan(rates.face + rates.ocr - 3);
    expect(answers.publishRate).toBeLessThan(rates.face + rates.ocr + 3);
  });

  it('one request type backs up: its own GPU group is named, the other branch stays ok, within 2 s', async () => {
    const since = Date.now();
    await groups.ocr.set(1, 500); // 2/s against 4/s
    const passedMs = await passedFiftyAt(checks, queues.ocr);
    const hit = await watched.first(since, (s) => s.bottleneck !== null);
    expect(hit.s.bottleneck).toMatchObject({ stageId: 'ocr-workers', queueStageId: 'ocr-queue' });
    expect(hit.s.bottleneck!.reason).toContain('ID parsing queue');
    expect(hit.atMs - passedMs).toBeLessThanOrEqual(2000);
    detectionLagMs.oneRequestType = hit.atMs - passedMs;
    expect(stage(hit.s, 'face-workers').status).toBe('ok');
    expect(stage(hit.s, 'ocr-workers').status).toBe('crit');

    // Once the ID parsing queue's wait shows, the estimate is the ID parsing way's parts only: the
    // face queue's wait is not added to them.
    const slow = await watched.first(since, (s) => (stage(s, 'ocr-queue').waitMs ?? 0) > 1000, 60_000);
    const e2e = slow.s.endToEnd;
    expect(e2e.estimated).toBe(true);
    const along = (ids: string[]) => ids.reduce((sum, id) => sum + stage(slow.s, id).contributionMs, 0);
    expect(e2e.pMs).toBe(along(['gateway', 'ocr-queue', 'ocr-workers', 'answer-queue', 'answer-consumers']));
    expect(e2e.explainedMs).toBeLessThanOrEqual(e2e.pMs!);
    expect(stage(slow.s, 'face-queue').contributionMs).toBeLessThan(stage(slow.s, 'ocr-queue').contributionMs);
    await recover();
  });

  it('the join starves: the answer consumers are named, not either GPU group, within 2 s', async () => {
    const since = Date.now();
    await groups.answers.set(1, 250); // 4/s against 10/s from both branches
    const passedMs = await passedFiftyAt(checks, queues.answers);
    const hit = await watched.first(since, (s) => s.bottleneck !== null);
    expect(hit.s.bottleneck).toMatchObject({ stageId: 'answer-consumers', queueStageId: 'answer-queue' });
    expect(hit.s.bottleneck!.reason).toContain('Answer queue');
    expect(hit.atMs - passedMs).toBeLessThanOrEqual(2000);
    detectionLagMs.joinStarves = hit.atMs - passedMs;
    for (const id of ['face-workers', 'ocr-workers']) expect(stage(hit.s, id).status).toBe('ok');
    await recover();
  });
});
