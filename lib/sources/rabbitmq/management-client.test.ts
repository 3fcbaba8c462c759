import { afterEach, describe, expect, it, vi } from 'vitest';
import { createManagementClient, publishersIn, toPublisherPressure, toQueueStats } from './management-client';
import { ConnectionPageSchema, ManagementNodesSchema, ManagementQueueSchema } from './schemas';

/** URL construction against a recording fetch: the real server is exercised by the integration tests. */
afterEach(() => vi.unstubAllGlobals());

function recordFetch(body: unknown) {
  const urls: string[] = [];
  vi.stubGlobal('fetch', async (url: string) => {
    urls.push(url);
    return new Response(JSON.stringify(body), { status: 200 });
  });
  return urls;
}

describe('management client', () => {
  it('pages queue listings with columns, never asking for all queues at once', async () => {
    const urls = recordFetch({ items: [], page: 1, page_count: 1, page_size: 100, total_count: 0 });
    const client = createManagementClient({ url: 'http://rabbit:15672/' });
    await client.queuePage(1, 100, { sort: 'messages_ready', reverse: true });
    await client.queuePage(3, 10_000);
    for (const url of urls) {
      const u = new URL(url);
      expect(u.pathname).toBe('/api/queues');
      expect(u.searchParams.get('page')).toMatch(/^\d+$/);
      expect(Number(u.searchParams.get('page_size'))).toBeLessThanOrEqual(500);
      expect(u.searchParams.get('columns')).toContain('messages_ready');
    }
    expect(new URL(urls[1]!).searchParams.get('page_size')).toBe('500');
  });

  it('encodes the vhost and the queue name', async () => {
    const urls = recordFetch({ name: 'a/b c', vhost: '/' });
    await createManagementClient({ url: 'http://rabbit:15672' }).queue('/', 'a/b c%');
    expect(urls[0]).toMatch(/^http:\/\/rabbit:15672\/api\/queues\/%2F\/a%2Fb%20c%25\?columns=/);
  });

  it('reads capacity from older servers and tolerates missing fields', () => {
    const now = 1_000_000;
    expect(toQueueStats({ name: 'q', vhost: '/', consumer_utilisation: 0.5 }, now)).toMatchObject({
      ready: 0,
      consumers: 0,
      consumerCapacity: 0.5,
      publishRate: null,
      headAgeMs: null,
    });
    expect(toQueueStats({ name: 'q', vhost: '/', head_message_timestamp: 990 }, now).headAgeMs).toBe(10_000);
  });

  // Recorded from RabbitMQ 3.10.8 (GET /api/queues/%2F/<name>?columns=...), trimmed to what is read.
  const shedding = {
    name: 'exp.shed',
    vhost: '/',
    arguments: { 'x-max-length': 10, 'x-overflow': 'reject-publish' },
    effective_policy_definition: {},
    message_bytes_ready: 10,
    messages_ready: 10,
    message_stats: { publish: 180, publish_details: { rate: 16 } },
    messages_details: { rate: 0 },
  };
  const deadLettering = {
    name: 'exp.work',
    vhost: '/',
    arguments: { 'x-dead-letter-exchange': 'exp.dlx' },
    effective_policy_definition: {},
    messages_unacknowledged_details: { rate: 0 },
    message_stats: {
      ack: 0,
      ack_details: { rate: 0 },
      deliver: 0,
      deliver_details: { rate: 0 },
      deliver_get: 45,
      deliver_get_details: { rate: 4 },
      get: 45,
      get_details: { rate: 4 },
      redeliver: 0,
      redeliver_details: { rate: 0 },
    },
  };

  it.each([
    [
      'a declared limit and overflow mode',
      shedding,
      {
        maxLength: 10,
        maxLengthBytes: null,
        readyBytes: 10,
        overflow: 'reject-publish',
        deadLetterExchange: null,
        rejectedByConsumersRate: null,
      },
    ],
    [
      'a dead-letter exchange and consumers rejecting for good',
      deadLettering,
      {
        maxLength: null,
        overflow: null,
        deadLetterExchange: 'exp.dlx',
        deadLetterRoutingKey: null,
        rejectedByConsumersRate: 4,
      },
    ],
    [
      'the lower of a policy and an argument limit; the argument over the policy for overflow and DLX',
      {
        name: 'q',
        vhost: '/',
        arguments: { 'x-max-length': 5000, 'x-dead-letter-exchange': '', 'x-dead-letter-routing-key': 'q.dead' },
        effective_policy_definition: {
          'max-length': 1000,
          'max-length-bytes': 1048576,
          overflow: 'reject-publish-dlx',
          'dead-letter-exchange': 'policy.dlx',
        },
      },
      {
        maxLength: 1000,
        maxLengthBytes: 1048576,
        overflow: 'reject-publish-dlx',
        deadLetterExchange: '',
        deadLetterRoutingKey: 'q.dead',
      },
    ],
    [
      "drop-head, RabbitMQ's default, when only a limit is set",
      { name: 'q', vhost: '/', effective_policy_definition: { 'max-length': 3 } },
      { maxLength: 3, overflow: 'drop-head' },
    ],
    // Older servers render an empty table as [].
    [
      'empty tables as older servers send them',
      { name: 'q', vhost: '/', arguments: [], effective_policy_definition: [] },
      { maxLength: null, overflow: null, deadLetterExchange: null },
    ],
    [
      'requeues and held messages as no rejection',
      {
        name: 'q',
        vhost: '/',
        messages_unacknowledged_details: { rate: 2 },
        message_stats: { deliver_details: { rate: 10 }, ack_details: { rate: 6 }, redeliver_details: { rate: 2 } },
      },
      { rejectedByConsumersRate: 0 },
    ],
  ])('reads %s', (_name, recorded, expected) => {
    const parsed = ManagementQueueSchema.parse(recorded);
    expect(toQueueStats(parsed, 0)).toMatchObject(expected);
  });

  // Recorded from RabbitMQ 3.10.8: GET /api/connections?page=1&page_size=100&pagination=true&columns=name,vhost,user,state&sort=state
  const connectionPage = {
    total_count: 5,
    item_count: 5,
    filtered_count: 5,
    page: 1,
    page_size: 100,
    page_count: 1,
    items: [
      { name: '10.0.0.7:40112 -> 10.0.0.2:5672', state: 'blocked', user: 'svc', vhost: '/' },
      { name: '10.0.0.8:40113 -> 10.0.0.2:5672', state: 'blocking', user: 'svc', vhost: 'ml' },
      { name: '10.0.0.9:40114 -> 10.0.0.2:5672', state: 'flow', user: 'svc', vhost: 'ml' },
      { name: '10.0.0.9:40115 -> 10.0.0.2:5672', state: 'flow', user: 'svc', vhost: 'ml' },
      { name: '127.0.0.1:34870 -> 127.0.0.1:22672', state: 'running', user: 'warroom', vhost: '/' },
    ],
  };

  it('counts publishers under flow control or blocked, per vhost, with the alarms', () => {
    const page = ConnectionPageSchema.parse(connectionPage);
    const nodes = ManagementNodesSchema.parse([
      { mem_alarm: true, disk_free_alarm: false, name: 'rabbit@a' },
      { mem_alarm: false, disk_free_alarm: false, name: 'rabbit@b' },
    ]);
    const p = toPublisherPressure({ items: page.items, pageCount: page.page_count, total: 5 }, nodes);
    expect(p).toMatchObject({
      seen: 5,
      total: 5,
      flow: 2,
      blocked: 1,
      blocking: 1,
      memoryAlarm: true,
      diskAlarm: false,
      complete: true,
    });
    expect(publishersIn(p, 'ml')).toEqual({
      flow: 2,
      blocked: 0,
      blocking: 1,
      memoryAlarm: true,
      diskAlarm: false,
      complete: true,
    });
    expect(publishersIn(p, 'other')).toMatchObject({ flow: 0, blocked: 0, blocking: 0 });
    // A first page of throttled connections only, with more pages: the counts are lower bounds.
    const partial = toPublisherPressure({ items: page.items.slice(0, 2), pageCount: 3, total: 250 }, []);
    expect(partial).toMatchObject({ blocked: 1, blocking: 1, complete: false, memoryAlarm: false });
  });

  it("reads publishers with one page of connections sorted by state and the nodes' alarms, errors as values", async () => {
    const urls: string[] = [];
    vi.stubGlobal('fetch', async (url: string) => {
      urls.push(url);
      const body =
        new URL(url).pathname === '/api/nodes'
          ? [{ name: 'rabbit@a', mem_alarm: false, disk_free_alarm: true }]
          : connectionPage;
      return new Response(JSON.stringify(body), { status: 200 });
    });
    const r = await createManagementClient({ url: 'http://rabbit:15672' }).publisherPressure();
    expect(r).toMatchObject({ ok: true, value: { flow: 2, blocked: 1, diskAlarm: true } });
    const connections = new URL(urls.find((u) => u.includes('/api/connections'))!);
    expect(Object.fromEntries(connections.searchParams)).toEqual({
      page: '1',
      page_size: '100',
      pagination: 'true',
      columns: 'name,vhost,user,state',
      sort: 'state',
    });
    expect(urls.some((u) => u.endsWith('/api/nodes?columns=name,mem_alarm,disk_free_alarm'))).toBe(true);

    vi.stubGlobal('fetch', async () => new Response('{"error":"not_authorised"}', { status: 401 }));
    const denied = await createManagementClient({ url: 'http://rabbit:15672' }).publisherPressure();
    expect(denied).toMatchObject({ ok: false });
    expect(!denied.ok && denied.error).toMatch(/^RabbitMQ: HTTP 401/);
  });
});
