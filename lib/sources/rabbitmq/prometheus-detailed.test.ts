import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { escapeLabelValue } from './prometheus-text';
import { createDetailedQueuesClient, detailedQueuesPath, parseDetailedQueues } from './prometheus-detailed';

// Recorded from RabbitMQ 3.10.8 (Debian) with
// curl 'http://127.0.0.1:<port>/metrics/detailed?family=queue_coarse_metrics&family=queue_consumer_count':
// the shared test stack's broker, and a broker of our own holding queues with awkward names.
const fixture = (name: string) => readFileSync(path.join(import.meta.dirname, '__fixtures__', name), 'utf8');
const testBroker = fixture('detailed-test-broker.txt');
const oddNames = fixture('detailed-odd-names-3.10.txt');

const byName = <T extends { name: string }>(queues: T[]) => [...queues].sort((a, b) => a.name.localeCompare(b.name));

describe('parseDetailedQueues', () => {
  it('reads the test broker: ready, unacked and consumers per queue, the version, nothing skipped', () => {
    const r = parseDetailedQueues(testBroker);
    expect(r).toEqual({
      ok: true,
      value: {
        rabbitmqVersion: '3.10.8',
        skippedLines: 0,
        queues: [
          { vhost: '/', name: 'ml.requests', ready: 0, unacked: 10, consumers: 10 },
          { vhost: '/', name: 'api.replies', ready: 0, unacked: 6, consumers: 9 },
        ],
      },
    });
  });

  it("reads 3.10's unescaped label values as the names they are (checked against the management API)", () => {
    const r = parseDetailedQueues(oddNames);
    expect(r.ok).toBe(true);
    const vhost = 'fixture/vhost "x"';
    // What GET /api/queues/<vhost> said at the same moment.
    expect(r.ok && byName(r.value.queues)).toEqual(
      byName([
        { vhost, name: 'a,b=c}{', ready: 1, unacked: 4, consumers: 2 },
        { vhost, name: 'back\\slash', ready: 0, unacked: 2, consumers: 1 },
        { vhost, name: 'newline', ready: 0, unacked: 0, consumers: 0 },
        { vhost, name: 'plain', ready: 0, unacked: 0, consumers: 0 },
        { vhost, name: 'with "quotes"', ready: 1, unacked: 0, consumers: 0 },
        { vhost, name: 'ünïcode ✓', ready: 4, unacked: 0, consumers: 0 },
      ]),
    );
  });

  const build = (version: string) =>
    `rabbitmq_build_info{rabbitmq_version="${version}",prometheus_plugin_version="${version}"} 1\n`;
  const lines = (vhost: string, queue: string, [ready, unacked, consumers]: number[]) =>
    [
      `rabbitmq_detailed_queue_messages_ready{vhost="${vhost}",queue="${queue}"} ${ready}`,
      `rabbitmq_detailed_queue_messages_unacked{vhost="${vhost}",queue="${queue}"} ${unacked}`,
      `rabbitmq_detailed_queue_consumers{vhost="${vhost}",queue="${queue}"} ${consumers}`,
    ].join('\n');

  it('reads escaped label values from versions that escape them', () => {
    const name = 'a\\"b\\\\c';
    const r = parseDetailedQueues(build('4.1.0') + lines(escapeLabelValue('v"1'), escapeLabelValue(name), [1, 2, 3]));
    expect(r.ok && r.value.queues).toEqual([{ vhost: 'v"1', name, ready: 1, unacked: 2, consumers: 3 }]);
  });

  it('skips an unescaped line it cannot split for sure, and a queue missing one of its three lines', () => {
    const ambiguous = lines('v', 'x",queue="y', [1, 1, 1]);
    const partial = 'rabbitmq_detailed_queue_messages_ready{vhost="v",queue="half"} 5';
    const r = parseDetailedQueues(build('3.10.8') + [ambiguous, partial, lines('v', 'ok', [1, 2, 3])].join('\n'));
    expect(r).toEqual({
      ok: true,
      value: {
        rabbitmqVersion: '3.10.8',
        skippedLines: 4,
        queues: [{ vhost: 'v', name: 'ok', ready: 1, unacked: 2, consumers: 3 }],
      },
    });
  });

  it('on a 3.11 or 3.12 (escaping came in a patch release) tries the escapes first, then the raw shape', () => {
    const r = parseDetailedQueues(
      build('3.12.2') + lines('v', 'with "quotes"', [1, 0, 0]) + '\n' + lines('v', 'esc\\"aped', [2, 0, 0]),
    );
    expect(r.ok && byName(r.value.queues).map((q) => [q.name, q.ready])).toEqual([
      ['esc"aped', 2],
      ['with "quotes"', 1],
    ]);
  });

  it('answers an error for something that is not the text format, and an empty list for no queues', () => {
    expect(parseDetailedQueues('<html><body>Not Found</body></html>')).toEqual({
      ok: false,
      error: 'RabbitMQ Prometheus: answer is not in the Prometheus text format',
    });
    expect(parseDetailedQueues(build('3.10.8'))).toEqual({
      ok: true,
      value: { queues: [], rabbitmqVersion: '3.10.8', skippedLines: 0 },
    });
  });

  it('asks for the vhosts given, encoded, and both families', () => {
    expect(detailedQueuesPath(['/', 'a b'])).toBe(
      '/metrics/detailed?vhost=%2F&vhost=a+b&family=queue_coarse_metrics&family=queue_consumer_count',
    );
    expect(detailedQueuesPath()).toBe('/metrics/detailed?family=queue_coarse_metrics&family=queue_consumer_count');
  });
});

describe('createDetailedQueuesClient against a local server', () => {
  let server: Server;
  let base = '';
  const seen: string[] = [];
  let answer: (req: IncomingMessage, res: ServerResponse) => void = () => {};

  beforeAll(async () => {
    server = createServer((req, res) => {
      seen.push(`${req.url} accept=${req.headers.accept}`);
      answer(req, res);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('reads the recorded answer and asks for the classic text format', async () => {
    answer = (_req, res) => res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' }).end(testBroker);
    const r = await createDetailedQueuesClient({ url: base }).queues(['/']);
    expect(r.ok && r.value.queues.map((q) => q.name)).toEqual(['ml.requests', 'api.replies']);
    expect(seen.at(-1)).toBe(`${detailedQueuesPath(['/'])} accept=text/plain`);
  });

  it('turns an HTTP error, a timeout and a refused connection into messages', async () => {
    answer = (_req, res) => res.writeHead(404).end('Not Found');
    expect(await createDetailedQueuesClient({ url: base }).queues()).toMatchObject({
      ok: false,
      error: 'RabbitMQ Prometheus: HTTP 404 Not Found',
    });
    answer = (_req, res) => setTimeout(() => res.writeHead(200).end(testBroker), 1500);
    expect(await createDetailedQueuesClient({ url: base, timeoutMs: 200 }).queues()).toMatchObject({
      ok: false,
      error: 'RabbitMQ Prometheus: timed out after 0.2 s',
    });
    expect(await createDetailedQueuesClient({ url: 'http://127.0.0.1:20998' }).queues()).toMatchObject({
      ok: false,
      error: 'RabbitMQ Prometheus: connection refused',
    });
  });
});
