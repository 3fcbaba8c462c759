import type { StageSpec } from '../analysis/types';
import type { WarroomConfig } from '../config/schema';
import type { PrometheusClient } from '../sources/prometheus/client';
import type { SeriesLine, StageSeries } from '../contracts/series';
import { latencyQuery } from './latency-queries';
import { roundTo } from '../analysis/round';

/**
 * The side panel's time series (the last 15 minutes), fetched by the poll loop on its own slower
 * interval for every stage, so opening a panel in a browser never causes a Prometheus query. A
 * replayed moment asks for the 15 minutes up to it (`at`): fetched once per stage and moment
 * (rounded to the 15 s step) and kept, since the past does not change.
 */

export const seriesRangeSec = 15 * 60;
export const seriesStepSec = 15;

function queriesFor(
  stage: StageSpec,
  config: WarroomConfig,
): Array<Omit<SeriesLine, 'points'> & { query: string; scale: number }> {
  const spec = config.pipeline.stages.find((s) => s.id === stage.id);
  const out: Array<Omit<SeriesLine, 'points'> & { query: string; scale: number }> = [];
  if (spec?.latency) {
    for (const [key, q] of [
      ['p50', 0.5],
      ['p90', 0.9],
      ['p99', 0.99],
    ] as const) {
      const query = latencyQuery(spec.latency, q);
      if (query) out.push({ key, label: `latency ${key}`, unit: 'ms', query, scale: 1000 });
    }
  }
  if (stage.queue) {
    const sel = `queue="${stage.queue.name.replace(/"/g, '\\"')}",vhost="${stage.queue.vhost.replace(/"/g, '\\"')}"`;
    out.push({
      key: 'ready',
      label: 'ready messages',
      unit: 'messages',
      query: `sum(rabbitmq_detailed_queue_messages_ready{${sel}})`,
      scale: 1,
    });
    out.push({
      key: 'consumers',
      label: 'consumers',
      unit: 'count',
      query: `sum(rabbitmq_detailed_queue_consumers{${sel}})`,
      scale: 1,
    });
  }
  if (spec?.gpuUtilQuery)
    out.push({ key: 'gpu', label: 'GPU utilisation', unit: 'pct', query: spec.gpuUtilQuery, scale: 1 });
  const m = spec?.gpuMemory;
  if (m) {
    // Used over total across the GPUs; the unit cancels out.
    const total = m.totalQuery ? `sum(${m.totalQuery})` : `(sum(${m.usedQuery}) + sum(${m.freeQuery}))`;
    out.push({
      key: 'gpuMemory',
      label: 'GPU memory used',
      unit: 'pct',
      query: `100 * sum(${m.usedQuery}) / ${total}`,
      scale: 1,
    });
  }
  return out;
}

type Query = Omit<SeriesLine, 'points'> & { query: string; scale: number };
const pastEntries = 200;

export class SeriesCache {
  private readonly cache = new Map<string, StageSeries>();
  private readonly past = new Map<string, Promise<StageSeries>>();

  constructor(
    private readonly prometheus: PrometheusClient,
    private readonly config: WarroomConfig,
    private readonly stages: StageSpec[],
  ) {}

  get(stageId: string): StageSeries | null {
    return (
      this.cache.get(stageId) ??
      (this.stages.some((s) => s.id === stageId) ? { stageId, fetchedAt: null, lines: [] } : null)
    );
  }

  endToEnd(): StageSeries | null {
    return this.cache.get('__end-to-end') ?? null;
  }

  private targets(): Array<{ id: string; queries: Query[] }> {
    const e2e = this.config.pipeline.endToEnd;
    // Without an end-to-end latency (or a query for its quantile) there is no end-to-end line.
    const e2eQuery = e2e.latency ? latencyQuery(e2e.latency, e2e.quantile) : null;
    return [
      ...this.stages.map((s) => ({ id: s.id, queries: queriesFor(s, this.config) })),
      {
        id: '__end-to-end',
        queries: e2eQuery
          ? [
              {
                key: 'e2e',
                label: `end-to-end p${Math.round(e2e.quantile * 100)}`,
                unit: 'ms' as const,
                query: e2eQuery,
                scale: 1000,
              },
            ]
          : [],
      },
    ];
  }

  private async fetchLines(
    queries: Query[],
    startSec: number,
    endSec: number,
  ): Promise<{ lines: SeriesLine[]; error?: string }> {
    const lines: SeriesLine[] = [];
    let error: string | undefined;
    for (const q of queries) {
      const r = await this.prometheus.range(q.query, startSec, endSec, seriesStepSec);
      if (!r.ok) {
        error = r.error;
        continue;
      }
      const points = r.value[0]?.points ?? [];
      lines.push({
        key: q.key,
        label: q.label,
        unit: q.unit,
        points: points.map((p) => ({
          t: p.t,
          value: p.value === null || !Number.isFinite(p.value * q.scale) ? null : roundTo(p.value * q.scale, 1),
        })),
      });
    }
    return error ? { lines, error } : { lines };
  }

  /** The 15 minutes up to `endMs` for one stage (or 'end-to-end'), or null for an unknown stage. */
  async at(stageId: string, endMs: number): Promise<StageSeries | null> {
    const id = stageId === 'end-to-end' ? '__end-to-end' : stageId;
    const target = this.targets().find((t) => t.id === id);
    if (!target) return null;
    const endSec = Math.ceil(endMs / 1000 / seriesStepSec) * seriesStepSec;
    const key = `${id}@${endSec}`;
    let entry = this.past.get(key);
    if (!entry) {
      entry = this.fetchLines(target.queries, endSec - seriesRangeSec, endSec).then((r) => {
        // A failed fetch is not kept: the next request tries again.
        if (r.error) this.past.delete(key);
        return { stageId: id, fetchedAt: new Date().toISOString(), ...r };
      });
      this.past.set(key, entry);
      if (this.past.size > pastEntries) this.past.delete(this.past.keys().next().value!);
    }
    return entry;
  }

  /**
   * Refreshes unless a refresh began within `maxAgeMs` (one at a time): a replica that does not
   * poll (not the leader) fetches a panel's series when someone opens it, at most once per interval.
   */
  ensureFresh(maxAgeMs: number): Promise<void> {
    if (this.refreshing) return this.refreshing;
    if (Date.now() - this.lastRefreshMs < maxAgeMs) return Promise.resolve();
    return this.refresh();
  }

  private refreshing: Promise<void> | null = null;
  private lastRefreshMs = 0;

  refresh(): Promise<void> {
    this.lastRefreshMs = Date.now();
    this.refreshing ??= this.fetchAll().finally(() => {
      this.refreshing = null;
    });
    return this.refreshing;
  }

  private async fetchAll(): Promise<void> {
    const endSec = Math.floor(Date.now() / 1000);
    const startSec = endSec - seriesRangeSec;
    await Promise.all(
      this.targets().map(async ({ id, queries }) => {
        const { lines, error } = await this.fetchLines(queries, startSec, endSec);
        const previous = this.cache.get(id);
        // On a failed refresh, keep the last good lines and say why they are not current.
        this.cache.set(
          id,
          error && previous
            ? { ...previous, error }
            : { stageId: id, fetchedAt: new Date().toISOString(), lines, ...(error ? { error } : {}) },
        );
      }),
    );
  }
}
