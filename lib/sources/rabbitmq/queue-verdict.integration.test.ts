import amqp from 'amqplib';
import { afterAll, describe, expect, it } from 'vitest';
import { rabbitAmqpUrl, rabbitManagementUrl, stackLayout, stackSecrets } from '../../../scripts/stack';
import { waitFor } from '../../../scripts/testing/demo-client';
import { queueVerdict } from '../../analysis/queue-verdict';
import { createManagementClient } from './management-client';

/**
 * What the queue verdict reads, from the real broker: the consumers' prefetch (from the queue's
 * consumer details), unacked messages at consumers x prefetch, and the head message's age from
 * AMQP timestamps; with them, the verdict says the consumers are saturated.
 */
const layout = stackLayout('test');
const queue = 'verdict.saturated';
let connection: amqp.ChannelModel | null = null;

afterAll(async () => {
  await connection?.close().catch(() => undefined);
  const c = await amqp.connect(rabbitAmqpUrl(layout));
  const ch = await c.createChannel();
  await ch.deleteQueue(queue);
  await c.close();
});

describe('a queue verdict from the real broker', () => {
  it('reads the prefetch and the held messages, and says the consumers are saturated', async () => {
    connection = await amqp.connect(rabbitAmqpUrl(layout));
    const publisher = await connection.createConfirmChannel();
    await publisher.assertQueue(queue, { durable: false });
    const timestamp = Math.floor(Date.now() / 1000) - 30;
    for (let i = 0; i < 40; i++) publisher.sendToQueue(queue, Buffer.from(String(i)), { timestamp });
    await publisher.waitForConfirms();
    // Two consumers that take 5 each and never acknowledge: all they may hold, held.
    for (let i = 0; i < 2; i++) {
      const ch = await connection.createChannel();
      await ch.prefetch(5);
      await ch.consume(queue, () => undefined, { noAck: false });
    }
    const s = stackSecrets(layout);
    const management = createManagementClient({
      url: rabbitManagementUrl(layout),
      username: s.rabbitUser,
      password: s.rabbitPassword,
    });
    const stats = await waitFor(
      async () => {
        const r = await management.queue('/', queue);
        return r.ok ? r.value : null;
      },
      (v) => v !== null && v.unacked === 10 && v.consumers === 2,
      30_000,
      'the broker to count the held messages',
    );
    expect(stats).toMatchObject({ prefetch: 5, ready: 30, unacked: 10, consumers: 2 });
    expect(stats!.headAgeMs).toBeGreaterThanOrEqual(30_000);
    const verdict = queueVerdict({
      ready: stats!.ready,
      unacked: stats!.unacked,
      consumers: stats!.consumers,
      growthPerSec: 0,
      arrivalPerSec: stats!.publishRate,
      drainPerSec: stats!.deliverRate,
      measuredHeadAgeMs: stats!.headAgeMs,
      estimatedWaitMs: Number.POSITIVE_INFINITY,
      consumerCapacity: stats!.consumerCapacity,
      prefetch: stats!.prefetch,
      redeliverPerSec: stats!.redeliverRate,
    });
    expect(verdict).toMatchObject({ saturation: 'saturated', unackedLimit: 10, headAgeEstimated: false });
    expect(verdict.summary).toContain('consumers saturated (10/10 unacked)');
  });
});
