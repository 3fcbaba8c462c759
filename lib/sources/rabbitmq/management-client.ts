import { recordSourceCall } from '../../metrics/registry';
import { fail, fetchSource, ok, parseJson, type SourceResult } from '../result';
import { ManagementQueueSchema, QueuePageSchema, type ManagementQueue } from './schemas';
import type { QueueStats } from './types';

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
  };
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
  };
}

export type ManagementClient = ReturnType<typeof createManagementClient>;
