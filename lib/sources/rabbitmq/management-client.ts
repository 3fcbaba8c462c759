import { recordSourceCall } from '../../metrics/registry';
import { fail, fetchSource, ok, parseJson, type SourceResult } from '../result';
import {
  ConnectionPageSchema,
  ManagementNodesSchema,
  ManagementQueueSchema,
  QueuePageSchema,
  type ManagementConnection,
  type ManagementNodes,
  type ManagementQueue,
} from './schemas';
import type { PublisherPressure, QueueStats } from './types';

/**
 * RabbitMQ management HTTP API client. It never issues an unpaged queue listing (seconds and
 * megabytes on a large broker): single queues by name, and lists page by page with `columns=`.
 */
export interface ManagementClientOptions {
  url: string;
  username?: string;
  password?: string;
  timeoutMs?: number;
}

export const queueColumns = [
  'name',
  'vhost',
  'state',
  'messages_ready',
  'messages_unacknowledged',
  'consumers',
  'consumer_capacity',
  'consumer_utilisation',
  'head_message_timestamp',
  'message_stats.publish_details.rate',
  'message_stats.deliver_get_details.rate',
  'message_stats.ack_details.rate',
  'message_stats.redeliver_details.rate',
  'message_stats.deliver_details.rate',
  'message_stats.get_details.rate',
  'messages_unacknowledged_details.rate',
  'message_bytes_ready',
  'arguments',
  'effective_policy_definition',
].join(',');

export const maxPageSize = 500;

export function toQueueStats(q: ManagementQueue, nowMs: number): QueueStats {
  const head = q.head_message_timestamp;
  return {
    vhost: q.vhost,
    name: q.name,
    ready: q.messages_ready ?? 0,
    unacked: q.messages_unacknowledged ?? 0,
    consumers: q.consumers ?? 0,
    state: q.state ?? null,
    publishRate: q.message_stats?.publish_details?.rate ?? null,
    deliverRate: q.message_stats?.deliver_get_details?.rate ?? null,
    ackRate: q.message_stats?.ack_details?.rate ?? null,
    redeliverRate: q.message_stats?.redeliver_details?.rate ?? null,
    consumerCapacity: q.consumer_capacity ?? q.consumer_utilisation ?? null,
    // AMQP timestamps are whole seconds.
    headAgeMs: typeof head === 'number' && head > 0 ? Math.max(0, nowMs - head * 1000) : null,
    prefetch: prefetchOf(q.consumer_details),
    ...limitsOf(q),
    rejectedByConsumersRate: rejectedByConsumersRateOf(q),
  };
}

type Table = ManagementQueue['arguments'];
function read(table: Table, key: string): unknown {
  return table && !Array.isArray(table) ? table[key] : undefined;
}
const whole = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) && v >= 0 ? v : null);
const text = (v: unknown) => (typeof v === 'string' ? v : null);
const lower = (a: number | null, b: number | null) => (a === null ? b : b === null ? a : Math.min(a, b));

/**
 * A queue's limits as RabbitMQ applies them: of a length limit set both by argument and by
 * policy, the lower one; for overflow and dead-lettering, the argument over the policy.
 * `effective_policy_definition` already merges the operator policy in.
 */
function limitsOf(
  q: ManagementQueue,
): Pick<
  QueueStats,
  'maxLength' | 'maxLengthBytes' | 'readyBytes' | 'overflow' | 'deadLetterExchange' | 'deadLetterRoutingKey'
> {
  const args = q.arguments;
  const policy = q.effective_policy_definition;
  const maxLength = lower(whole(read(args, 'x-max-length')), whole(read(policy, 'max-length')));
  const maxLengthBytes = lower(whole(read(args, 'x-max-length-bytes')), whole(read(policy, 'max-length-bytes')));
  const overflow = text(read(args, 'x-overflow')) ?? text(read(policy, 'overflow'));
  return {
    maxLength,
    maxLengthBytes,
    readyBytes: q.message_bytes_ready ?? null,
    overflow: maxLength !== null || maxLengthBytes !== null ? (overflow ?? 'drop-head') : null,
    deadLetterExchange: text(read(args, 'x-dead-letter-exchange')) ?? text(read(policy, 'dead-letter-exchange')),
    deadLetterRoutingKey:
      text(read(args, 'x-dead-letter-routing-key')) ?? text(read(policy, 'dead-letter-routing-key')),
  };
}

/**
 * RabbitMQ 3.10 keeps no per-queue count of messages dead-lettered, dropped or rejected: the
 * Prometheus plugin's `rabbitmq_global_messages_dead_lettered_{rejected,expired,maxlen,
 * delivery_limit}_total` are broker-wide (labels queue_type and dead_letter_strategy only), and
 * a dead-letter queue's own `message_stats` stay empty, since dead letters are republished by
 * the queue, not a channel (checked against the real broker). What the queue's own counters do
 * say: every manual-ack delivery ends acknowledged, requeued (and then counted again as a
 * redelivery) or rejected with requeue=false. So, per second, deliveries (consume and get with
 * manual ack) minus acks, minus redeliveries, minus the growth of the unacknowledged count is
 * what consumers rejected for good. An estimate over the broker's rate window; null without
 * manual-ack deliveries.
 */
function rejectedByConsumersRateOf(q: ManagementQueue): number | null {
  const m = q.message_stats;
  const deliver = m?.deliver_details?.rate;
  const get = m?.get_details?.rate;
  if (deliver === undefined && get === undefined) return null;
  const out =
    (deliver ?? 0) +
    (get ?? 0) -
    (m?.ack_details?.rate ?? 0) -
    (m?.redeliver_details?.rate ?? 0) -
    (q.messages_unacknowledged_details?.rate ?? 0);
  return Math.max(0, Math.round(out * 100) / 100);
}

/** States in which a connection's publishing is held back. */
const throttled = new Set(['flow', 'blocking', 'blocked']);

/**
 * Publishers held back, from one page of connections sorted by state (blocked, blocking, ...,
 * flow sort before running, so the first page holds the throttled ones unless there are more
 * than a page of them) and the nodes' resource alarms.
 */
export function toPublisherPressure(
  page: { items: ManagementConnection[]; pageCount: number; total: number },
  nodes: ManagementNodes,
): PublisherPressure {
  const out: PublisherPressure = {
    seen: page.items.length,
    total: page.total,
    flow: 0,
    blocked: 0,
    blocking: 0,
    byVhost: {},
    memoryAlarm: nodes.some((n) => n.mem_alarm === true),
    diskAlarm: nodes.some((n) => n.disk_free_alarm === true),
    complete: page.pageCount <= 1,
  };
  for (const c of page.items) {
    const state = c.state ?? '';
    if (!throttled.has(state)) {
      out.complete = true;
      continue;
    }
    const key = state as 'flow' | 'blocking' | 'blocked';
    out[key] += 1;
    const v = (out.byVhost[c.vhost ?? ''] ??= { flow: 0, blocked: 0, blocking: 0 });
    v[key] += 1;
  }
  return out;
}

/** What the queue verdict takes about publishers, for the queues of one vhost. */
export function publishersIn(p: PublisherPressure, vhost: string) {
  const v = p.byVhost[vhost] ?? { flow: 0, blocked: 0, blocking: 0 };
  return { ...v, memoryAlarm: p.memoryAlarm, diskAlarm: p.diskAlarm, complete: p.complete };
}

/** The consumers' largest prefetch; 0 (unlimited) or no consumer details: null. */
function prefetchOf(details: ManagementQueue['consumer_details']): number | null {
  const limits = (details ?? []).map((d) => d.prefetch_count ?? 0);
  return limits.length > 0 && limits.every((n) => n > 0) ? Math.max(...limits) : null;
}

export function createManagementClient(options: ManagementClientOptions) {
  const base = options.url.replace(/\/$/, '');
  const timeoutMs = options.timeoutMs ?? 2000;
  const headers: Record<string, string> = {};
  if (options.username) {
    headers.authorization = `Basic ${Buffer.from(`${options.username}:${options.password ?? ''}`).toString('base64')}`;
  }

  async function get<T>(endpoint: string, path: string, parse: (json: unknown) => SourceResult<T>) {
    const started = performance.now();
    const result = await fetchSource('RabbitMQ', `${base}${path}`, { headers, timeoutMs }, (body) => {
      const json = parseJson('RabbitMQ', body);
      return json.ok ? parse(json.value) : json;
    });
    recordSourceCall('rabbitmq-management', endpoint, result.ok, result.bytes, (performance.now() - started) / 1000);
    return result;
  }

  return {
    async queue(vhost: string, name: string): Promise<SourceResult<QueueStats>> {
      const path = `/api/queues/${encodeURIComponent(vhost)}/${encodeURIComponent(name)}?columns=${queueColumns},consumer_details`;
      return get('queue', path, (json) => {
        const parsed = ManagementQueueSchema.safeParse(json);
        return parsed.success
          ? ok(toQueueStats(parsed.data, Date.now()))
          : fail(`RabbitMQ: unexpected queue shape for ${name}`);
      });
    },

    /** One page of queues; `sort` by a column (for example messages_ready), largest first when reverse. */
    async queuePage(
      page: number,
      pageSize: number,
      options: { vhost?: string; sort?: string; reverse?: boolean } = {},
    ): Promise<SourceResult<{ queues: QueueStats[]; page: number; pageCount: number; total: number }>> {
      const size = Math.min(maxPageSize, Math.max(1, pageSize));
      const params = new URLSearchParams({
        page: String(page),
        page_size: String(size),
        pagination: 'true',
        columns: queueColumns,
      });
      if (options.sort) params.set('sort', options.sort);
      if (options.reverse) params.set('sort_reverse', 'true');
      const path = `/api/queues${options.vhost ? `/${encodeURIComponent(options.vhost)}` : ''}?${params}`;
      return get('queue-page', path, (json) => {
        const parsed = QueuePageSchema.safeParse(json);
        if (!parsed.success) return fail('RabbitMQ: unexpected queue page shape');
        const now = Date.now();
        return ok({
          queues: parsed.data.items.map((q) => toQueueStats(q, now)),
          page: parsed.data.page,
          pageCount: parsed.data.page_count,
          total: parsed.data.filtered_count ?? parsed.data.total_count ?? parsed.data.items.length,
        });
      });
    },

    /**
     * Publishers under flow control or blocked, once per management cycle: one page of
     * connections (`/api/vhosts/<vhost>/connections` cannot be paged, so all vhosts, counted per
     * vhost) and the nodes' alarms, two small reads in parallel.
     */
    async publisherPressure(pageSize = 100): Promise<SourceResult<PublisherPressure>> {
      const params = new URLSearchParams({
        page: '1',
        page_size: String(Math.min(maxPageSize, Math.max(1, pageSize))),
        pagination: 'true',
        columns: 'name,vhost,user,state',
        sort: 'state',
      });
      const [connections, nodes] = await Promise.all([
        get('connection-page', `/api/connections?${params}`, (json) => {
          const parsed = ConnectionPageSchema.safeParse(json);
          return parsed.success ? ok(parsed.data) : fail('RabbitMQ: unexpected connection page shape');
        }),
        get('node-alarms', '/api/nodes?columns=name,mem_alarm,disk_free_alarm', (json) => {
          const parsed = ManagementNodesSchema.safeParse(json);
          return parsed.success ? ok(parsed.data) : fail('RabbitMQ: unexpected nodes shape');
        }),
      ]);
      if (!connections.ok) return connections;
      if (!nodes.ok) return nodes;
      const c = connections.value;
      return ok(
        toPublisherPressure(
          { items: c.items, pageCount: c.page_count, total: c.filtered_count ?? c.total_count ?? c.items.length },
          nodes.value,
        ),
      );
    },
  };
}

export type ManagementClient = ReturnType<typeof createManagementClient>;
