import { EventEmitter } from 'node:events';
import { analyze } from '../analysis/analyze';
import type {
  GpuMemoryObservation,
  LatencyObservation,
  Observations,
  QueueObservation,
  StageSpec,
  WorkersObservation,
} from '../analysis/types';
import type { Snapshot } from '../contracts/snapshot';
import type { WarroomConfig } from '../config/schema';
import { metrics } from '../metrics/registry';
import { createAmqpChecker, type AmqpChecker } from '../sources/rabbitmq/amqp-checker';
import { createManagementClient, publishersIn, type ManagementClient } from '../sources/rabbitmq/management-client';
import {
  createDetailedQueuesClient,
  toCountsOnlyStats,
  type DetailedQueuesClient,
} from '../sources/rabbitmq/prometheus-detailed';
import { autoscalerOf, createNomadClient, type NomadClient } from '../sources/nomad/client';
import { createPrometheusClient, type PrometheusClient } from '../sources/prometheus/client';
import { latencyQuery } from './latency-queries';
import { readGpuMemory } from './gpu-memory';
import type { PublisherPressure, QueueStats } from '../sources/rabbitmq/types';
import { SourceHealth } from './source-health';
import { UnmonitoredSweep } from './unmonitored-sweep';
import { SeriesCache } from './series';
import { StartupTracker } from './startup-tracker';

/**
 * One poll loop per server process. Each source is polled on its own interval (lag-free AMQP
 * checks about every second; the management API, Prometheus and Nomad every few seconds), the
 * observations are kept, and after every cycle the pure analysis makes a new snapshot that is
 * pushed to subscribers (the SSE stream). Browsers only ever read the cache.
 */
const historyWindowMs = 15_000;
/** Publish-rate samples kept for the arrival trend the recommendation is sized by. */
const arrivalsWindowMs = 10 * 60_000;

export class Poller extends EventEmitter {
  readonly stages: StageSpec[];
  private readonly health: SourceHealth;
  private readonly amqp: AmqpChecker | null;
  private readonly management: ManagementClient | null;
  /** Set when polling.queueStatsFrom is 'prometheus'. */
  private readonly detailed: DetailedQueuesClient | null;
  private readonly prometheus: PrometheusClient | null;
  private readonly nomad: NomadClient | null;
  private readonly queues: Record<string, QueueObservation> = {};
  private readonly latencies: Record<string, LatencyObservation> = {};
  private readonly gpu: Record<string, number | null> = {};
  private readonly gpuMemory: Record<string, GpuMemoryObservation | null> = {};
  private readonly workers: Record<string, WorkersObservation> = {};
  private readonly startups = new StartupTracker();
  private endToEndMs: number | null = null;
  private managementOk = false;
  private readonly sweep: UnmonitoredSweep;
  readonly series: SeriesCache | null;
  private timers: NodeJS.Timeout[] = [];
  private stopped = false;
  private latest: Snapshot;

  /** `series`: the chart cache to keep fresh (shared with the routes); made here when not given. */
  constructor(
    readonly config: WarroomConfig,
    series?: SeriesCache | null,
  ) {
    super();
    this.setMaxListeners(0);
    const { sources, polling } = config;
    const vhost = sources.rabbitmq?.vhost ?? '/';
    this.stages = stageSpecs(config);
    this.health = new SourceHealth({
      rabbitmq: polling.managementMs,
      prometheus: polling.prometheusMs,
      nomad: polling.nomadMs,
    });
    const r = sources.rabbitmq;
    // The management API sorts and pages every queue on each listing: on a large, busy broker that
    // takes seconds, so it gets most of its poll interval.
    this.management = r
      ? createManagementClient({
          url: r.managementUrl,
          username: r.username,
          password: r.password,
          timeoutMs: Math.min(4000, polling.managementMs - 500),
        })
      : null;
    this.detailed =
      r?.prometheusUrl && polling.queueStatsFrom === 'prometheus'
        ? createDetailedQueuesClient({ url: r.prometheusUrl, timeoutMs: Math.min(4000, polling.managementMs - 500) })
        : null;
    this.amqp = r?.amqpUrl
      ? createAmqpChecker({ url: r.amqpUrl, username: r.username, password: r.password, vhost })
      : null;
    this.prometheus = sources.prometheus
      ? createPrometheusClient({ url: sources.prometheus.url, bearerToken: sources.prometheus.bearerToken })
      : null;
    this.nomad = sources.nomad
      ? createNomadClient({ url: sources.nomad.url, token: sources.nomad.token, namespace: sources.nomad.namespace })
      : null;
    // A queue another configured pipeline watches is not unmonitored either.
    const configured = new Set(
      config.pipelines
        .flatMap((p) => stageSpecs({ ...config, pipeline: p }))
        .filter((s) => s.queue)
        .map((s) => `${s.queue!.vhost}\u0000${s.queue!.name}`),
    );
    this.sweep = new UnmonitoredSweep((v, n) => configured.has(`${v}\u0000${n}`));
    this.series = series !== undefined ? series : seriesCacheFor(config, this.stages, this.prometheus);
    for (const s of this.stages) if (s.queue) this.queues[s.id] = { check: null, stats: null, history: [] };
    this.latest = this.compute();
  }

  snapshot(): Snapshot {
    return this.latest;
  }

  /**
   * Whether every configured source has answered, or failed for two whole intervals. Until then the
   * snapshot shows what a poller just started knows ("no answer yet", "not connected yet"), which
   * is not news for the timeline.
   */
  settled(): boolean {
    const c = this.config.sources;
    return (
      (!c.rabbitmq || this.health.settled('rabbitmq')) &&
      (!c.prometheus || this.health.settled('prometheus')) &&
      (!c.nomad || this.health.settled('nomad'))
    );
  }

  start(): void {
    const p = this.config.polling;
    if (this.amqp) this.loop('amqp', p.amqpMs, () => this.pollAmqp());
    if (this.management) this.loop('management', p.managementMs, () => this.pollManagement());
    if (this.prometheus) this.loop('prometheus', p.prometheusMs, () => this.pollPrometheus());
    if (this.nomad) this.loop('nomad', p.nomadMs, () => this.pollNomad());
    if (this.series) this.loop('series', p.seriesMs, () => this.series!.refresh());
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const t of this.timers) clearTimeout(t);
    await this.amqp?.close();
  }

  /** Runs `cycle` every intervalMs without overlap; a failing cycle never ends the loop. */
  private loop(name: string, intervalMs: number, cycle: () => Promise<void>): void {
    const run = async () => {
      if (this.stopped) return;
      const started = Date.now();
      try {
        await cycle();
      } catch (err) {
        console.error(`poller ${name}: ${(err as Error).message}`);
      }
      metrics().pollCycles.inc({ loop: name });
      if (name !== 'series') this.publish();
      if (!this.stopped) this.timers.push(setTimeout(run, Math.max(0, intervalMs - (Date.now() - started))));
      this.timers = this.timers.slice(-8);
    };
    void run();
  }

  private async pollAmqp(): Promise<void> {
    await Promise.all(
      this.stages
        .filter((s) => s.queue)
        .map(async (s) => {
          const result = await this.amqp!.check(s.queue!.name);
          const q = this.queues[s.id]!;
          if (result.ok) {
            q.check = { ready: result.value.ready, consumers: result.value.consumers, atMs: result.value.atMs };
            q.history.push({ atMs: result.value.atMs, ready: result.value.ready });
            q.history = q.history.filter((h) => h.atMs >= result.value.atMs - historyWindowMs);
          } else {
            q.check = null;
            this.health.failed('rabbitmq', result.error);
          }
        }),
    );
    this.rabbitAnswered();
  }

  /**
   * The broker counts as answering when the last management cycle succeeded and every configured
   * queue's AMQP check is current: asked after either loop, so that a connection the checker just
   * made shows at its next check rather than at the next management cycle.
   */
  private rabbitAnswered(): void {
    if (this.managementOk && (!this.amqp || this.stages.filter((s) => s.queue).every((s) => this.queues[s.id]!.check)))
      this.health.succeeded('rabbitmq', Date.now());
  }

  private async pollManagement(): Promise<void> {
    if (this.detailed) return this.pollManagementWithDetailedCounts(this.detailed);
    const m = this.management!;
    const pageSize = this.config.polling.queuePageSize;
    const sweepPage = async () => {
      const result = await m.queuePage(this.sweep.nextPage, pageSize, { sort: 'name' });
      // Queues were deleted since the sweep began and this page no longer exists: start over.
      if (!result.ok && this.sweep.nextPage > 1) {
        this.sweep.nextPage = 1;
        return m.queuePage(1, pageSize, { sort: 'name' });
      }
      return result;
    };
    const [configured, deepest, page, pressure] = await Promise.all([
      Promise.all(
        this.stages
          .filter((s) => s.queue)
          .map(async (s) => ({ s, result: await m.queue(s.queue!.vhost, s.queue!.name) })),
      ),
      m.queuePage(1, pageSize, { sort: 'messages_ready', reverse: true }),
      sweepPage(),
      m.publisherPressure(),
    ]);
    let allOk = deepest.ok && page.ok && pressure.ok;
    if (!pressure.ok) this.health.failed('rabbitmq', pressure.error);
    for (const { s, result } of configured) {
      if (!result.ok) {
        allOk = false;
        this.health.failed('rabbitmq', result.error);
        continue;
      }
      this.observeQueue(s, result.value, pressure.ok ? pressure.value : null);
    }
    if (deepest.ok) this.sweep.addDeepest(deepest.value.queues);
    else this.health.failed('rabbitmq', deepest.error);
    if (page.ok) this.sweep.addSweepPage(page.value.queues, page.value.page, page.value.pageCount, page.value.total);
    else this.health.failed('rabbitmq', page.error);
    this.managementOk = allOk;
    this.rabbitAnswered();
  }

  /**
   * queueStatsFrom 'prometheus': one read of the plugin's detailed endpoint lists every queue
   * (all vhosts, as the sweep does) in place of the two listings a management cycle pages
   * through (the deepest queues and the next sweep page), each of which has the broker sort all
   * of its queues. The configured queues keep their single-queue management GET: it costs the
   * broker one lookup, not a sort, and only it carries the rates, head age, consumer capacity,
   * prefetch and limits the queue verdict and the drain estimate need; their ready, unacked and
   * consumer counts are taken from the detailed read, the same figures the unmonitored list shows.
   * A queue the read lacks (hosted on another cluster node) keeps the management counts.
   */
  private async pollManagementWithDetailedCounts(detailed: DetailedQueuesClient): Promise<void> {
    const m = this.management!;
    const [configured, all, pressure] = await Promise.all([
      Promise.all(
        this.stages
          .filter((s) => s.queue)
          .map(async (s) => ({ s, result: await m.queue(s.queue!.vhost, s.queue!.name) })),
      ),
      detailed.queues(),
      m.publisherPressure(),
    ]);
    let allOk = all.ok && pressure.ok;
    if (!pressure.ok) this.health.failed('rabbitmq', pressure.error);
    if (!all.ok) this.health.failed('rabbitmq', all.error);
    const counts = new Map(all.ok ? all.value.queues.map((c) => [`${c.vhost}\u0000${c.name}`, c]) : []);
    for (const { s, result } of configured) {
      if (!result.ok) {
        allOk = false;
        this.health.failed('rabbitmq', result.error);
        continue;
      }
      const c = counts.get(`${s.queue!.vhost}\u0000${s.queue!.name}`);
      const v = c ? { ...result.value, ready: c.ready, unacked: c.unacked, consumers: c.consumers } : result.value;
      this.observeQueue(s, v, pressure.ok ? pressure.value : null);
    }
    if (all.ok) this.sweep.addCompleteListing(all.value.queues.map(toCountsOnlyStats));
    this.managementOk = allOk;
    this.rabbitAnswered();
  }

  /** One configured queue's management figures into its observation. */
  private observeQueue(s: StageSpec, v: QueueStats, pressure: PublisherPressure | null): void {
    const q = this.queues[s.id]!;
    q.stats = {
      ready: v.ready,
      unacked: v.unacked,
      consumers: v.consumers,
      publishRatePerSec: v.publishRate,
      deliverRatePerSec: v.deliverRate,
      headAgeMs: v.headAgeMs,
      consumerCapacity: v.consumerCapacity,
      redeliverRatePerSec: v.redeliverRate,
      prefetch: v.prefetch,
      maxLength: v.maxLength ?? null,
      maxLengthBytes: v.maxLengthBytes ?? null,
      readyBytes: v.readyBytes ?? null,
      overflow: v.overflow ?? null,
      deadLetterExchange: v.deadLetterExchange ?? null,
      deadLetterRoutingKey: v.deadLetterRoutingKey ?? null,
      rejectedByConsumersPerSec: v.rejectedByConsumersRate ?? null,
      publishers: pressure ? publishersIn(pressure, s.queue!.vhost) : null,
    };
    if (v.publishRate !== null) {
      const nowMs = Date.now();
      q.arrivals = [...(q.arrivals ?? []), { atMs: nowMs, perSec: v.publishRate }].filter(
        (a) => a.atMs >= nowMs - arrivalsWindowMs,
      );
    }
    // Without AMQP checks, the management counts feed the growth estimate.
    if (!this.amqp) {
      q.history.push({ atMs: Date.now(), ready: v.ready });
      q.history = q.history.filter((h) => h.atMs >= Date.now() - 4 * this.config.polling.managementMs);
    }
  }

  private async pollPrometheus(): Promise<void> {
    const prom = this.prometheus!;
    const e2e = this.config.pipeline.endToEnd;
    const first = async (query: string | null) => {
      if (!query) return null;
      const r = await prom.instant(query);
      if (!r.ok) throw new Error(r.error);
      const v = r.value[0]?.value ?? null;
      return v === null || !Number.isFinite(v) ? null : v;
    };
    // GPU memory is read beside the rest and never fails the cycle: a bad or empty memory query
    // leaves memory unknown (the packing advice then says it is not measured), and Prometheus
    // counts as answering when the other queries do. Unknown rather than stale: last cycle's
    // memory is no ground for packing advice.
    const memory = Promise.all(
      this.config.pipeline.stages
        .filter((s) => s.gpuMemory)
        .map(async (s) => {
          const r = await readGpuMemory(prom, s.gpuMemory!).catch((err: Error) => ({
            ok: false as const,
            error: err.message,
          }));
          this.gpuMemory[s.id] = r.ok ? r.value : null;
        }),
    );
    try {
      const e2eSec = e2e.latency ? await first(latencyQuery(e2e.latency, e2e.quantile)) : null;
      this.endToEndMs = e2eSec === null ? null : e2eSec * 1000;
      await Promise.all(
        this.config.pipeline.stages.map(async (s) => {
          if (s.latency) {
            const spec = s.latency;
            const [p50, p90, p99, atQ] = await Promise.all(
              [0.5, 0.9, 0.99, e2e.quantile].map((q) => first(latencyQuery(spec, q))),
            );
            const ms = (v: number | null | undefined) => (v === null || v === undefined ? null : Math.round(v * 1000));
            this.latencies[s.id] = { p50Ms: ms(p50), p90Ms: ms(p90), p99Ms: ms(p99), atQuantileMs: ms(atQ) };
          }
          if (s.gpuUtilQuery) this.gpu[s.id] = await first(s.gpuUtilQuery);
        }),
      );
      this.health.succeeded('prometheus', Date.now());
    } catch (err) {
      this.health.failed('prometheus', (err as Error).message);
    }
    await memory;
  }

  private async pollNomad(): Promise<void> {
    const nomad = this.nomad!;
    const stages = this.stages.filter((s) => s.nomad);
    const jobs = [...new Set(stages.map((s) => s.nomad!.job))];
    const results = await Promise.all(
      jobs.map(async (id) => ({ id, job: await nomad.job(id), scale: await nomad.scaleStatus(id) })),
    );
    let allOk = true;
    for (const { id, job, scale } of results) {
      if (!job.ok || !scale.ok) {
        allOk = false;
        this.health.failed('nomad', job.ok ? (scale as { error: string }).error : job.error);
        continue;
      }
      for (const s of stages.filter((st) => st.nomad!.job === id)) {
        const group = job.value.TaskGroups.find((g) => g.Name === s.nomad!.group);
        const status = scale.value.TaskGroups[s.nomad!.group];
        if (!group || !status) {
          allOk = false;
          this.health.failed('nomad', `Nomad: job "${id}" has no group "${s.nomad!.group}"`);
          continue;
        }
        this.startups.observe(s.id, status.Desired, status.Running, Date.now());
        this.workers[s.id] = {
          startupSec: this.startups.startupSec(s.id),
          job: id,
          group: group.Name,
          desired: status.Desired,
          running: status.Running,
          scalingMin: group.Scaling?.Min ?? null,
          scalingMax: group.Scaling?.Max ?? null,
          autoscaler: autoscalerOf(group.Scaling),
        };
      }
    }
    if (allOk) this.health.succeeded('nomad', Date.now());
  }

  private compute(): Snapshot {
    const nowMs = Date.now();
    const sources = this.health.view(nowMs);
    const c = this.config.sources;
    if (!c.rabbitmq) sources.rabbitmq = { status: 'down', lastOkAt: null, error: 'not configured' };
    if (!c.prometheus) sources.prometheus = { status: 'down', lastOkAt: null, error: 'not configured' };
    if (!c.nomad) sources.nomad = { status: 'down', lastOkAt: null, error: 'not configured' };
    const obs: Observations = {
      nowMs,
      pipeline: this.config.pipeline.name,
      stages: this.stages,
      sources,
      queues: this.queues,
      latencies: this.latencies,
      gpuUtilPct: this.gpu,
      gpuMemory: this.gpuMemory,
      workers: this.workers,
      endToEnd: {
        pMs: this.endToEndMs,
        quantile: this.config.pipeline.endToEnd.quantile,
        sloMs: this.config.pipeline.endToEnd.sloMs,
      },
      unmonitored: this.sweep.list(),
      heldQueueStageId: this.latest?.bottleneck?.queueStageId ?? null,
    };
    const snapshot = analyze(obs);
    snapshot.unmonitoredQueues = snapshot.unmonitoredQueues.slice(0, 200);
    snapshot.unmonitoredTotal = this.sweep.total;
    return snapshot;
  }

  private publish(): void {
    this.latest = this.compute();
    this.emit('snapshot', this.latest);
  }
}

/** The chart cache for a configuration (null without Prometheus): one per process, fed by whoever polls. */
export function seriesCacheFor(
  config: WarroomConfig,
  stages: StageSpec[] = stageSpecs(config),
  prometheus: PrometheusClient | null = config.sources.prometheus
    ? createPrometheusClient({ url: config.sources.prometheus.url, bearerToken: config.sources.prometheus.bearerToken })
    : null,
): SeriesCache | null {
  return prometheus ? new SeriesCache(prometheus, config, stages) : null;
}

/** The configured stages as the analysis sees them. */
export function stageSpecs(config: WarroomConfig): StageSpec[] {
  const vhost = config.sources.rabbitmq?.vhost ?? '/';
  return config.pipeline.stages.map((s) => ({
    id: s.id,
    kind: s.kind,
    label: s.label ?? s.id,
    ...(s.queue
      ? { queue: { name: s.queue.name, vhost: s.queue.vhost ?? vhost, depthThreshold: s.queue.depthThreshold } }
      : {}),
    ...(s.consumesFrom ? { consumesFrom: s.consumesFrom } : {}),
    ...(s.after ? { after: typeof s.after === 'string' ? [s.after] : s.after } : {}),
    ...(s.nomad ? { nomad: s.nomad } : {}),
    hasLatency: Boolean(s.latency),
    hasGpu: Boolean(s.gpuUtilQuery),
  }));
}
