import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Snapshot } from '../contracts/snapshot';
import { parseConfig } from '../config/load-config';
import { Poller } from './poller';

/**
 * The poller's management cycle with polling.queueStatsFrom 'prometheus', against a local
 * stand-in answering the management API's single-queue, connections and nodes reads and the
 * plugin's detailed endpoint: the counts come from the detailed read, the rates from the
 * management GET, unmonitored queues from the same read, and no queue listing is asked for.
 */
const detailed = ['ml.requests', 'orphan.q'].flatMap((queue, i) => [
  `rabbitmq_detailed_queue_messages_ready{vhost="/",queue="${queue}"} ${7 + i}`,
  `rabbitmq_detailed_queue_messages_unacked{vhost="/",queue="${queue}"} 2`,
  `rabbitmq_detailed_queue_consumers{vhost="/",queue="${queue}"} ${i === 0 ? 3 : 0}`,
]);

let server: Server;
let port = 0;
const asked: string[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    const url = req.url ?? '';
    asked.push(url.split('?')[0]!);
    const json = (body: unknown) =>
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    if (url.startsWith('/metrics/detailed')) res.writeHead(200).end(`${detailed.join('\n')}\n`);
    else if (url.startsWith('/api/queues/%2F/ml.requests'))
      json({
        name: 'ml.requests',
        vhost: '/',
        messages_ready: 1,
        messages_unacknowledged: 0,
        consumers: 1,
        message_stats: { publish_details: { rate: 4 }, deliver_get_details: { rate: 3 } },
      });
    else if (url.startsWith('/api/connections')) json({ items: [], page: 1, page_count: 1, page_size: 100 });
    else if (url.startsWith('/api/nodes')) json([{ name: 'n', mem_alarm: false, disk_free_alarm: false }]);
    else res.writeHead(404).end('Not Found');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe("Poller with queueStatsFrom: 'prometheus'", () => {
  it('takes counts from one detailed read, rates from the queue GET, and lists no queues', async () => {
    const config = parseConfig(
      `auth: {sessionSecret: '0123456789abcdef0123456789abcdef', anonymousRead: true}
pipeline:
  name: p
  endToEnd: {sloMs: 3000}
  stages:
    - {id: requests, kind: queue, queue: {name: ml.requests}}
polling: {queueStatsFrom: prometheus}
sources:
  rabbitmq: {managementUrl: 'http://127.0.0.1:${port}', prometheusUrl: 'http://127.0.0.1:${port}'}
`,
      'w.yaml',
      {},
    );
    const poller = new Poller(config, null);
    const snapshot = new Promise<Snapshot>((resolve) => poller.once('snapshot', resolve));
    poller.start();
    const s = await snapshot;
    await poller.stop();
    expect(s.stages[0]?.queue).toMatchObject({ ready: 7, unacked: 2, consumers: 3, publishRate: 4, deliverRate: 3 });
    expect(s.unmonitoredQueues).toMatchObject([{ name: 'orphan.q', ready: 8, consumers: 0, alert: 'no-consumers' }]);
    expect(s.unmonitoredTotal).toBe(2);
    expect(s.sources.rabbitmq.status).toBe('ok');
    expect(asked.sort()).toEqual([
      '/api/connections',
      '/api/nodes',
      '/api/queues/%2F/ml.requests',
      '/metrics/detailed',
    ]);
  });
});
