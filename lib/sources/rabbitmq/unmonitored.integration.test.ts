import amqp from 'amqplib';
import { afterAll, describe, expect, it } from 'vitest';
import { dashboardUrl, rabbitAmqpUrl, stackLayout } from '../../../scripts/stack';
import { topology, waitFor } from '../../../scripts/testing/demo-client';
import { createBulkQueues, deleteBulkQueues } from '../../../scripts/testing/bulk-queues';

/**
 * Queues nobody configured are found and raised, and a broker with 10,000 extra queues keeps the
 * dashboard working without a single unpaged queue listing.
 */
const layout = stackLayout('test');

afterAll(async () => {
  const connection = await amqp.connect(rabbitAmqpUrl(layout));
  const channel = await connection.createChannel();
  await channel.deleteQueue('forgotten.replies');
  await connection.close();
  await deleteBulkQueues(layout);
});

async function managementCallsByEndpoint(): Promise<Record<string, number>> {
  const text = await (await fetch(`${dashboardUrl(layout)}/api/metrics`)).text();
  const out: Record<string, number> = {};
  for (const line of text.split('\n')) {
    const m =
      /^warroom_source_requests_total\{source="rabbitmq-management",endpoint="([^"]+)",outcome="[^"]+"\} (\d+)/.exec(
        line,
      );
    if (m) out[m[1]!] = (out[m[1]!] ?? 0) + Number(m[2]);
  }
  return out;
}

describe('queues outside the pipeline', () => {
  it('lists an unconfigured queue with messages and no consumer, flagged', async () => {
    const connection = await amqp.connect(rabbitAmqpUrl(layout));
    const channel = await connection.createConfirmChannel();
    await channel.assertQueue('forgotten.replies', { durable: false });
    for (let i = 0; i < 120; i++) channel.sendToQueue('forgotten.replies', Buffer.from(String(i)));
    await channel.waitForConfirms();
    await connection.close();
    const s = await waitFor(
      () => topology(layout),
      (t) => t.unmonitoredQueues.some((q) => q.name === 'forgotten.replies' && q.ready === 120),
      30_000,
      'the forgotten queue to be listed',
    );
    expect(s.unmonitoredQueues[0]).toMatchObject({
      vhost: '/',
      name: 'forgotten.replies',
      ready: 120,
      consumers: 0,
      alert: 'no-consumers',
    });
    expect(s.unmonitoredQueues.some((q) => q.name === 'api.replies' || q.name === 'ml.requests')).toBe(false);
  });

  it('keeps working with 10,000 extra queues, paging through them', async () => {
    await createBulkQueues(layout, 10_000);
    // While 10,000 queues are being declared the broker is slow enough that a check may time out
    // and mark it stale for a moment; once it settles, the source is ok with every queue counted.
    const s = await waitFor(
      () => topology(layout),
      (t) => (t.unmonitoredTotal ?? 0) >= 10_000 && t.sources.rabbitmq.status === 'ok',
      90_000,
      'the sweep to count the queues with the broker ok',
      1000,
    );
    // The forgotten queue with messages stays on top of 10,000 idle ones.
    expect(s.unmonitoredQueues[0]?.name).toBe('forgotten.replies');
    expect(s.unmonitoredQueues.length).toBeLessThanOrEqual(200);
    const calls = await managementCallsByEndpoint();
    // Single queues, pages of queues, one page of connections (publishers throttled) and the
    // nodes' alarms: never an unpaged listing.
    expect(Object.keys(calls).sort()).toEqual(['connection-page', 'node-alarms', 'queue', 'queue-page']);
    // Fresh snapshots still come every second or so.
    const later = await waitFor(
      () => topology(layout),
      (t) => Date.parse(t.generatedAt) > Date.parse(s.generatedAt) + 2000,
      10_000,
      'newer snapshots',
    );
    expect(later.stages.find((st) => st.id === 'reply-queue')?.queue).toBeDefined();
  });
});
