import { randomBytes } from 'node:crypto';
import amqp from 'amqplib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rabbitManagementUrl, stackLayout, stackSecrets } from '../../../scripts/stack';
import { waitFor } from '../../../scripts/testing/demo-client';
import { createManagementClient } from './management-client';
import { createDetailedQueuesClient, type DetailedQueueCounts } from './prometheus-detailed';

/**
 * The Prometheus plugin's detailed endpoint on the real broker, against the management API: in a
 * vhost of its own (so the shared pipeline's queues are untouched), queues with awkward names,
 * messages published and some held unacknowledged by consumers; the counts parsed from one
 * detailed read must be those the management API reports for each queue.
 */
const layout = stackLayout('test');
const secrets = stackSecrets(layout);
const vhost = `warroom-detailed-${randomBytes(3).toString('hex')}`;
const auth = `Basic ${Buffer.from(`${secrets.rabbitUser}:${secrets.rabbitPassword}`).toString('base64')}`;
const management = createManagementClient({
  url: rabbitManagementUrl(layout),
  username: secrets.rabbitUser,
  password: secrets.rabbitPassword,
});
const detailed = createDetailedQueuesClient({ url: `http://127.0.0.1:${layout.ports.rabbitPrometheus}` });

// name -> [messages published, consumers, prefetch of each consumer]
const queues: Record<string, [number, number, number]> = {
  'detailed.idle': [0, 0, 0],
  'detailed.backlog': [7, 0, 0],
  'detailed "quoted"': [3, 0, 0],
  'detailed\\back,slash}': [5, 1, 2],
  'detailed.consumed ✓': [9, 2, 3],
};
let connection: amqp.ChannelModel | null = null;

async function api(method: string, path: string, body?: unknown) {
  const res = await fetch(`${rabbitManagementUrl(layout)}${path}`, {
    method,
    headers: { authorization: auth, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!res.ok && res.status !== 404) throw new Error(`${method} ${path}: HTTP ${res.status} ${await res.text()}`);
}

beforeAll(async () => {
  const v = encodeURIComponent(vhost);
  await api('PUT', `/api/vhosts/${v}`);
  await api('PUT', `/api/permissions/${v}/${encodeURIComponent(secrets.rabbitUser)}`, {
    configure: '.*',
    write: '.*',
    read: '.*',
  });
  connection = await amqp.connect(
    `amqp://${secrets.rabbitUser}:${secrets.rabbitPassword}@127.0.0.1:${layout.ports.amqp}/${v}`,
  );
  const publisher = await connection.createConfirmChannel();
  for (const [name, [messages]] of Object.entries(queues)) {
    await publisher.assertQueue(name, { durable: false });
    for (let i = 0; i < messages; i++) publisher.sendToQueue(name, Buffer.from('x'));
  }
  await publisher.waitForConfirms();
  for (const [name, [, consumers, prefetch]] of Object.entries(queues)) {
    for (let i = 0; i < consumers; i++) {
      const ch = await connection.createChannel();
      await ch.prefetch(prefetch);
      // Never acknowledged: each consumer holds `prefetch` messages.
      await ch.consume(name, () => {}, { noAck: false });
    }
  }
});

afterAll(async () => {
  await connection?.close().catch(() => {});
  await api('DELETE', `/api/vhosts/${encodeURIComponent(vhost)}`);
});

const expected = (name: string): DetailedQueueCounts => {
  const [messages, consumers, prefetch] = queues[name]!;
  const unacked = Math.min(messages, consumers * prefetch);
  return { vhost, name, ready: messages - unacked, unacked, consumers };
};
const sorted = (list: DetailedQueueCounts[]) => [...list].sort((a, b) => a.name.localeCompare(b.name));

describe('the detailed endpoint on the real broker', () => {
  it('gives every queue of the vhost asked, with the counts the management API reports', async () => {
    const want = sorted(Object.keys(queues).map(expected));
    // Both read statistics the queues emit every 5 s: wait for the first emission after the setup.
    const read = await waitFor(
      () => detailed.queues([vhost]),
      (r) => r.ok && JSON.stringify(sorted(r.value.queues)) === JSON.stringify(want),
      20_000,
      'the detailed counts to settle',
    );
    expect(read.ok && read.value.skippedLines).toBe(0);
    expect(read.ok && read.value.rabbitmqVersion).toMatch(/^\d+\.\d+\.\d+/);
    const fromManagement = await waitFor(
      async () =>
        sorted(
          await Promise.all(
            Object.keys(queues).map(async (name) => {
              const r = await management.queue(vhost, name);
              if (!r.ok) throw new Error(r.error);
              const { ready, unacked, consumers } = r.value;
              return { vhost: r.value.vhost, name: r.value.name, ready, unacked, consumers };
            }),
          ),
        ),
      (counts) => JSON.stringify(counts) === JSON.stringify(want),
      20_000,
      'the management counts to settle',
    );
    expect(sorted(read.ok ? read.value.queues : [])).toEqual(fromManagement);
  }, 60_000);

  it('leaves out the vhosts not asked for, and lists them all when none are named', async () => {
    const mine = await detailed.queues([vhost]);
    expect(mine.ok && mine.value.queues.every((q) => q.vhost === vhost)).toBe(true);
    const all = await detailed.queues();
    expect(all.ok).toBe(true);
    const vhosts = new Set(all.ok ? all.value.queues.map((q) => q.vhost) : []);
    expect(vhosts.has(vhost)).toBe(true);
    expect(vhosts.size).toBeGreaterThan(1);
  });
});
