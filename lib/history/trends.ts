import type { TimelineEventKind } from '../contracts/timeline';
import type { TrendMarker, TrendsView, TrendWindow } from '../contracts/trends';
import type { AuditLog } from '../store/audit-log';
import type { History } from '../store/history';
import type { TrendsStore } from '../store/trends';
import { chartedQueue, planBuckets, shapeTrends, workerStages } from './trends-shape';

/**
 * GET /api/trends: a range of the stored history as lines (aggregated per bucket by the store)
 * and the moments in it for markers. What is charted is decided by the snapshot current at the end
 * of the range: its bottleneck's queue (or its fullest queue), its worker stages, its SLO.
 */

/** The derived events that get a marker; the rest (queue thresholds, sources, alerts) would crowd the charts. */
export const markerKinds: readonly TimelineEventKind[] = [
  'bottleneck-appeared',
  'bottleneck-moved',
  'bottleneck-cleared',
  'slo-breach-began',
  'slo-breach-ended',
  'deployment',
  'job-registered',
  // Worker counts changed by anyone (warroom's own scales are also marked from the audit log, when asked).
  'workers-changed',
];
/** Markers per source at most, and in all. */
export const maxMarkers = 200;

export interface TrendsDeps {
  pipeline: string;
  history: Pick<History, 'snapshotAt'>;
  trends: TrendsStore;
  audit: Pick<AuditLog, 'list'>;
}

export async function loadTrends(deps: TrendsDeps, window: TrendWindow): Promise<TrendsView> {
  const from = new Date(window.fromMs);
  const to = new Date(window.toMs);
  const end = (await deps.history.snapshotAt(deps.pipeline, to))?.snapshot ?? null;
  const queue = chartedQueue(end);
  const workers = workerStages(end);
  const plan = planBuckets(window.fromMs, window.toMs);
  const w = { from, to, bucketMs: plan.bucketMs, count: plan.count };
  const [rows, workerRows, events, actions, incidents] = await Promise.all([
    deps.trends.buckets(deps.pipeline, w, queue?.stageId ?? null),
    deps.trends.workerBuckets(
      deps.pipeline,
      w,
      workers.map((s) => s.id),
    ),
    deps.trends.eventsOfKinds(deps.pipeline, from, to, markerKinds, maxMarkers + 1),
    deps.audit.list({ from, to, limit: maxMarkers + 1 }),
    deps.trends.incidentMoments(deps.pipeline, from, to, maxMarkers + 1),
  ]);
  const lines = shapeTrends({
    plan,
    rows,
    workerRows,
    quantile: end?.endToEnd.quantile ?? null,
    queue,
    workers,
  });
  const all: TrendMarker[] = [
    ...events.map((e) => ({ at: e.at, kind: e.kind, source: 'warroom' as const, message: e.message })),
    ...actions
      .filter((a) => a.outcome === 'succeeded')
      .map((a) => ({
        at: a.createdAt,
        kind: 'action',
        source: 'action' as const,
        message:
          a.action === 'restore-autoscaler'
            ? `warroom enabled the autoscaler policy of ${a.job}/${a.group} again`
            : `${a.actor} scaled ${a.job}/${a.group} ${a.from ?? '?'} -> ${a.to}: ${a.reason}`,
      })),
    ...incidents.map((i) => ({
      at: i.at,
      kind: `incident-${i.kind}`,
      source: 'incident' as const,
      message:
        i.kind === 'status'
          ? `Incident #${i.incidentId} ${i.status}: ${i.title}`
          : `Incident #${i.incidentId} ${i.kind === 'suggested' ? 'suggested' : `opened by ${i.author}`}: ${i.title}`,
    })),
  ].sort((a, b) => a.at.localeCompare(b.at));
  const truncated =
    events.length > maxMarkers ||
    actions.length > maxMarkers ||
    incidents.length > maxMarkers ||
    all.length > maxMarkers;
  return {
    from: from.toISOString(),
    to: to.toISOString(),
    bucketSec: plan.bucketMs / 1000,
    endToEnd: end ? { quantile: end.endToEnd.quantile, sloMs: end.endToEnd.sloMs } : null,
    queue,
    ...lines,
    markers: all.slice(-maxMarkers),
    markersTruncated: truncated,
  };
}
