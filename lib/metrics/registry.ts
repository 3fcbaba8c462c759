import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/**
 * warroom's own metrics, served on /api/metrics. One registry per server process, kept on
 * globalThis so Next.js' module reloading in development does not register everything twice.
 */
interface WarroomMetrics {
  registry: Registry;
  sourceRequests: Counter<'source' | 'endpoint' | 'outcome'>;
  sourceBytes: Counter<'source'>;
  sourceSeconds: Histogram<'source'>;
  pollCycles: Counter<'loop'>;
  topologyRequests: Counter<'route'>;
  historySnapshots: Counter;
  historyBytes: Counter;
  notifications: Counter<'outcome'>;
}

const globalKey = Symbol.for('warroom.metrics');
type GlobalWithMetrics = typeof globalThis & { [globalKey]?: WarroomMetrics };

function create(): WarroomMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'warroom_' });
  return {
    registry,
    sourceRequests: new Counter({
      name: 'warroom_source_requests_total',
      help: 'Requests warroom made to its sources, by source, endpoint and outcome',
      labelNames: ['source', 'endpoint', 'outcome'],
      registers: [registry],
    }),
    sourceBytes: new Counter({
      name: 'warroom_source_response_bytes_total',
      help: 'Bytes received from sources',
      labelNames: ['source'],
      registers: [registry],
    }),
    sourceSeconds: new Histogram({
      name: 'warroom_source_request_duration_seconds',
      help: 'Duration of requests to sources',
      labelNames: ['source'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 5],
      registers: [registry],
    }),
    pollCycles: new Counter({
      name: 'warroom_poll_cycles_total',
      help: 'Poll cycles run, by loop',
      labelNames: ['loop'],
      registers: [registry],
    }),
    topologyRequests: new Counter({
      name: 'warroom_topology_requests_total',
      help: 'Requests served from the snapshot cache, by route',
      labelNames: ['route'],
      registers: [registry],
    }),
    historySnapshots: new Counter({
      name: 'warroom_history_snapshots_stored_total',
      help: 'Snapshots written to the history',
      registers: [registry],
    }),
    historyBytes: new Counter({
      name: 'warroom_history_snapshot_bytes_total',
      help: 'JSON bytes of the snapshots written to the history',
      registers: [registry],
    }),
    notifications: new Counter({
      name: 'warroom_notifications_total',
      help: 'Incident notices sent to outgoing webhooks, by outcome (sent, failed after retries)',
      labelNames: ['outcome'],
      registers: [registry],
    }),
  };
}

export function metrics(): WarroomMetrics {
  const g = globalThis as GlobalWithMetrics;
  g[globalKey] ??= create();
  return g[globalKey];
}

/** Records one source call in the counters. */
export function recordSourceCall(
  source: string,
  endpoint: string,
  okay: boolean,
  bytes: number,
  seconds: number,
): void {
  const m = metrics();
  m.sourceRequests.inc({ source, endpoint, outcome: okay ? 'ok' : 'error' });
  m.sourceBytes.inc({ source }, bytes);
  m.sourceSeconds.observe({ source }, seconds);
}
