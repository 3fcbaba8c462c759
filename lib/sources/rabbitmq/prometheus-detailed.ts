import { recordSourceCall } from '../../metrics/registry';
import { fail, fetchSource, ok, type SourceResult } from '../result';
import { parsePrometheusText, parseSampleLine } from './prometheus-text';
import type { QueueStats } from './types';

/**
 * Every queue's counts in one read from the rabbitmq_prometheus plugin's detailed endpoint
 * (`/metrics/detailed?vhost=...&family=queue_coarse_metrics&family=queue_consumer_count`): one
 * answer for all queues of the vhosts asked, where the management API needs a sorted page per
 * 500 queues. Counts only: rates, head age, consumer capacity and limits are not in these two
 * families (queue_metrics has some of them but costs about 8 times as much to produce).
 * Each cluster node reports only the queues it hosts.
 */
export interface DetailedQueueCounts {
  vhost: string;
  name: string;
  ready: number;
  unacked: number;
  consumers: number;
}

export interface DetailedQueues {
  queues: DetailedQueueCounts[];
  /** From rabbitmq_build_info; null when the answer does not carry it. */
  rabbitmqVersion: string | null;
  /** Lines of the three queue metrics that could not be read (or were ambiguous), left out. */
  skippedLines: number;
}

export const detailedFamilies = ['queue_coarse_metrics', 'queue_consumer_count'];

const fieldOf: Record<string, 'ready' | 'unacked' | 'consumers'> = {
  rabbitmq_detailed_queue_messages_ready: 'ready',
  rabbitmq_detailed_queue_messages_unacked: 'unacked',
  rabbitmq_detailed_queue_consumers: 'consumers',
};

const source = 'RabbitMQ Prometheus';

/** No vhosts: every vhost of the node. */
export function detailedQueuesPath(vhosts: string[] = []): string {
  const params = new URLSearchParams();
  for (const v of vhosts) params.append('vhost', v);
  for (const f of detailedFamilies) params.append('family', f);
  return `/metrics/detailed?${params}`;
}

/**
 * Before the fix for rabbitmq-server#9648 (3.12 and 3.11 patch releases of late 2023; never in
 * 3.10) the plugin wrote label values unescaped: a queue named `with "quotes"` comes out as
 * `queue="with "quotes""` and `back\slash` as `queue="back\slash"` (seen on this project's
 * 3.10.8). Such a line is read by its fixed shape, `{vhost="...",queue="..."}`, and only when
 * the `",queue="` separator occurs once; otherwise it is skipped rather than guessed.
 */
const unescapedLine = /^(rabbitmq_detailed_queue_[a-z_]+)\{vhost="(.*)",queue="(.*)"\}[ \t]+(\S+)(?:[ \t]+-?\d+)?$/;

function readUnescaped(line: string): { name: string; vhost: string; queue: string; value: number } | null {
  const m = unescapedLine.exec(line);
  if (!m) return null;
  const labels = line.slice(line.indexOf('{'), line.lastIndexOf('}'));
  if (labels.split('",queue="').length !== 2) return null;
  const value = Number(m[4]);
  return Number.isFinite(value) ? { name: m[1]!, vhost: m[2]!, queue: m[3]!, value } : null;
}

/** 3.10 and older never escape; 3.11 and 3.12 did until a patch release, so those try both. */
function escapesLabels(version: string | null): boolean | 'maybe' {
  const [major, minor] = (version ?? '').split('.').map(Number);
  if (major === undefined || minor === undefined || Number.isNaN(major) || Number.isNaN(minor)) return 'maybe';
  if (major < 3 || (major === 3 && minor < 11)) return false;
  return major === 3 && minor < 13 ? 'maybe' : true;
}

export function parseDetailedQueues(body: string): SourceResult<DetailedQueues> {
  const lines = body.split('\n').map((l) => (l.endsWith('\r') ? l.slice(0, -1) : l));
  const info = parsePrometheusText(lines.filter((l) => l.startsWith('rabbitmq_build_info')).join('\n'));
  const rabbitmqVersion = info.samples[0]?.labels.rabbitmq_version ?? null;
  const escapes = escapesLabels(rabbitmqVersion);
  const byQueue = new Map<string, Partial<DetailedQueueCounts>>();
  let skippedLines = 0;
  let samples = 0;
  let garbage = 0;
  for (const line of lines) {
    const trimmed = line.trim();
    if (trimmed === '' || trimmed.startsWith('#')) continue;
    const name = /^[a-zA-Z_:][a-zA-Z0-9_:]*(?=[{ \t])/.exec(trimmed)?.[0];
    const field = name ? fieldOf[name] : undefined;
    // Other metrics are not read, only told apart from an answer that is no scrape at all.
    if (!field) {
      if (name) samples += 1;
      else garbage += 1;
      continue;
    }
    samples += 1;
    const strict = escapes === false ? null : parseSampleLine(line);
    const read =
      strict && typeof strict !== 'string' && strict.labels.vhost !== undefined && strict.labels.queue !== undefined
        ? { vhost: strict.labels.vhost, queue: strict.labels.queue, value: strict.value }
        : escapes === true
          ? null
          : readUnescaped(line);
    if (!read || !Number.isFinite(read.value) || read.value < 0) {
      skippedLines += 1;
      continue;
    }
    const key = `${read.vhost}\u0000${read.queue}`;
    const entry = byQueue.get(key) ?? { vhost: read.vhost, name: read.queue };
    entry[field] = read.value;
    byQueue.set(key, entry);
  }
  if (samples === 0 && garbage > 0) return fail(`${source}: answer is not in the Prometheus text format`);
  const queues: DetailedQueueCounts[] = [];
  for (const q of byQueue.values()) {
    // A queue declared between the two families' reads has only some of its lines: next read.
    if (q.ready === undefined || q.unacked === undefined || q.consumers === undefined) skippedLines += 1;
    else queues.push(q as DetailedQueueCounts);
  }
  return ok({ queues, rabbitmqVersion, skippedLines });
}

/** A queue as the rest of warroom sees one, with what this endpoint does not say left null. */
export function toCountsOnlyStats(q: DetailedQueueCounts): QueueStats {
  return {
    ...q,
    state: null,
    publishRate: null,
    deliverRate: null,
    ackRate: null,
    redeliverRate: null,
    consumerCapacity: null,
    headAgeMs: null,
    prefetch: null,
  };
}

export interface DetailedQueuesClientOptions {
  /** The plugin's base URL, e.g. http://rabbitmq.internal:15692. */
  url: string;
  timeoutMs?: number;
}

export function createDetailedQueuesClient(options: DetailedQueuesClientOptions) {
  const base = options.url.replace(/\/$/, '');
  const timeoutMs = options.timeoutMs ?? 2000;
  return {
    /** The counts of every queue in `vhosts` (every vhost when none are given). */
    async queues(vhosts: string[] = []): Promise<SourceResult<DetailedQueues>> {
      const started = performance.now();
      const result = await fetchSource(
        source,
        `${base}${detailedQueuesPath(vhosts)}`,
        // The plugin answers OpenMetrics when asked for it; this parser reads the classic text format.
        { headers: { accept: 'text/plain' }, timeoutMs },
        (body) => parseDetailedQueues(body),
      );
      recordSourceCall(
        'rabbitmq-prometheus',
        'detailed-queues',
        result.ok,
        result.bytes,
        (performance.now() - started) / 1000,
      );
      return result;
    },
  };
}

export type DetailedQueuesClient = ReturnType<typeof createDetailedQueuesClient>;
