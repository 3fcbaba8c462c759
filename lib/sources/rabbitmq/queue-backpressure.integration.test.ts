import amqp from 'amqplib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rabbitAmqpUrl, rabbitManagementUrl, stackLayout, stackSecrets } from '../../../scripts/stack';
import { waitFor } from '../../../scripts/testing/demo-client';
import { queueVerdict } from '../../analysis/queue-verdict';
import { createManagementClient, publishersIn } from './management-client';
import type { QueueStats } from './types';

/**
 * Backpressure and load shedding as the real broker shows them: a queue at its x-max-length with
 * x-overflow reject-publish, published past its limit, sheds load (and its publisher gets nacks);
 * a queue whose consumer rejects every message with requeue=false dead-letters them to its DLX
 * (the dead-letter queue fills); and the publishers' states and the nodes' alarms are read in one
 * page. RabbitMQ counts neither per queue, so this checks the rates the client derives.
 */
const layout = stackLayout('test');
const shedQueue = 'verdict.backpressure.shed';
const workQueue = 'verdict.backpressure.rejecting';
const deadQueue = 'verdict.backpressure.dead';
const dlx = 'verdict.backpressure.dlx';
let connection: amqp.ChannelModel | null = null;
const timers: NodeJS.Timeout[] = [];

const secrets = stackSecrets(layout);
const management = createManagementClient({
  url: rabbitManagementUrl(layout),
  username: secrets.rabbitUser,
  password: secrets.rabbitPassword,
});

function verdictOf(stats: QueueStats, publishers: ReturnType<typeof publishersIn> | null = null) {
  return queueVerdict({
    ready: stats.ready,
    unacked: stats.unacked,
    consumers: stats.consumers,
    growthPerSec: 0,
    arrivalPerSec: stats.publishRate,
    drainPerSec: stats.deliverRate,
    measuredHeadAgeMs: stats.headAgeMs,
    estimatedWaitMs: Number.POSITIVE_INFINITY,
    consumerCapacity: stats.consumerCapacity,
    prefetch: stats.prefetch,
    redeliverPerSec: stats.redeliverRate,
    limit:
      stats.maxLength != null || stats.maxLengthBytes != null
        ? {
            maxLength: stats.maxLength ?? null,
            maxLengthBytes: stats.maxLengthBytes ?? null,
            readyBytes: stats.readyBytes ?? null,
            overflow: stats.overflow ?? 'drop-head',
          }
        : null,
    deadLetter:
      stats.deadLetterExchange != null
        ? { exchange: stats.deadLetterExchange, routingKey: stats.deadLetterRoutingKey ?? null }
        : null,
    rejectedByConsumersPerSec: stats.rejectedByConsumersRate ?? null,
    publishers,
  });
}

async function readQueue(name: string): Promise<QueueStats | null> {
  const r = await management.queue('/', name);
  return r.ok ? r.value : null;
}

beforeAll(async () => {
  connection = await amqp.connect(rabbitAmqpUrl(layout));
  const ch = await connection.createChannel();
  for (const q of [shedQueue, workQueue, deadQueue]) await ch.deleteQueue(q);
  await ch.close();
});

afterAll(async () => {
  for (const t of timers) clearInterval(t);
  await connection?.close().catch(() => undefined);
  const c = await amqp.connect(rabbitAmqpUrl(layout));
  const ch = await c.createChannel();
  for (const q of [shedQueue, workQueue, deadQueue]) await ch.deleteQueue(q);
  await ch.deleteExchange(dlx);
  await c.close();
});

describe('backpressure and load shedding from the real broker', () => {
  it('sees a queue at its max-length with reject-publish shed what is published past it', async () => {
    const publisher = await connection!.createConfirmChannel();
    await publisher.assertQueue(shedQueue, {
      durable: false,
      arguments: { 'x-max-length': 10, 'x-overflow': 'reject-publish' },
    });
    let nacked = 0;
    // 20 messages a second into a queue that holds 10 and has no consumer: all but 10 rejected.
    timers.push(
      setInterval(() => {
        for (let i = 0; i < 4; i++)
          publisher.sendToQueue(shedQueue, Buffer.from('x'), {}, (err) => {
            if (err) nacked++;
          });
      }, 200),
    );
    const stats = await waitFor(
      () => readQueue(shedQueue),
      (s) => s !== null && s.ready === 10 && (s.publishRate ?? 0) >= 5,
      30_000,
      'the broker to rate the publishes into the full queue',
    );
    clearInterval(timers.pop());
    expect(stats).toMatchObject({ maxLength: 10, overflow: 'reject-publish', deadLetterExchange: null });
    expect(nacked).toBeGreaterThan(0);
    const v = verdictOf(stats!);
    expect(v.limit).toMatchObject({ maxLength: 10, overflow: 'reject-publish', fullPct: 100, shedding: true });
    expect(v.limit!.shedPerSec).toBeGreaterThanOrEqual(5);
    expect(v.summary).toMatch(/sheds load: [\d.]+\/s rejected at max-length 10/);
  });

  it('sees a queue whose consumer rejects with requeue=false dead-letter to its exchange', async () => {
    const ch = await connection!.createChannel();
    await ch.assertExchange(dlx, 'fanout', { durable: false });
    await ch.assertQueue(deadQueue, { durable: false });
    await ch.bindQueue(deadQueue, dlx, '');
    await ch.assertQueue(workQueue, { durable: false, arguments: { 'x-dead-letter-exchange': dlx } });
    const consumer = await connection!.createChannel();
    await consumer.prefetch(10);
    await consumer.consume(workQueue, (m) => m && consumer.nack(m, false, false), { noAck: false });
    timers.push(
      setInterval(() => {
        for (let i = 0; i < 2; i++) ch.sendToQueue(workQueue, Buffer.from('y'));
      }, 200),
    );
    const stats = await waitFor(
      () => readQueue(workQueue),
      (s) => s !== null && (s.rejectedByConsumersRate ?? 0) >= 3,
      30_000,
      'the broker to rate the rejected deliveries',
    );
    clearInterval(timers.pop());
    expect(stats).toMatchObject({ deadLetterExchange: dlx, maxLength: null, overflow: null });
    const v = verdictOf(stats!);
    expect(v.deadLetter).toMatchObject({ exchange: dlx });
    expect(v.deadLetter!.perSec).toBeGreaterThanOrEqual(3);
    expect(v.summary).toMatch(new RegExp(`dead-letters [\\d.]+/s to ${dlx.replace(/\./g, '\\.')}`));
    // The messages really were dead-lettered: the DLX's queue holds them.
    const dead = await ch.checkQueue(deadQueue);
    expect(dead.messageCount).toBeGreaterThan(10);
  });

  it('reads the publishers’ states and the alarms in one page, and the verdict carries them', async () => {
    const r = await management.publisherPressure();
    expect(r.ok, r.ok ? '' : r.error).toBe(true);
    if (!r.ok) return;
    // This file's own connection at least; on this idle test broker, no alarm.
    expect(r.value.total).toBeGreaterThanOrEqual(1);
    expect(r.value).toMatchObject({ memoryAlarm: false, diskAlarm: false, complete: true });
    const stats = await readQueue(workQueue);
    const v = verdictOf(stats!, publishersIn(r.value, '/'));
    expect(v.publishers).toMatchObject({ alarm: null });
    expect(v.summary).not.toContain('publishers blocked');
  });
});
