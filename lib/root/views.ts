import 'server-only';
import { publicSources } from '../config/public-view';
import type { AuditFilter } from '../contracts/audit';
import type { AuditView, IncidentsView, IncidentView, LiveView, SourcesView } from '../contracts/views';
import type { PipelineSummary, PipelinesView } from '../contracts/pipelines';
import { isSloBreached } from '../contracts/snapshot';
import { loadIncident } from '../incidents/queries';
import type { App } from './app';
import { detailFor, snapshotFor, type Audience } from './audience';

/**
 * The data of each server-rendered panel, read through the composition root. Each returns the
 * panel's data or a sentence saying why there is none; none throws, so a dead store or source
 * blanks one panel, never the page. Anonymous viewers get the public view (./audience): no source
 * URLs, no configuration path, no source errors, and a failure named without its internal message;
 * everyone else gets messages with every secret taken out.
 */
const storeDown = (app: App, audience: Audience, what: string, err: unknown) =>
  audience === 'public'
    ? `${what} unavailable: the store did not answer.`
    : `${what} unavailable: the store did not answer (${app.redact((err as Error).message)}).`;

export async function liveView(
  app: App | null,
  problem: string | null,
  at: string | undefined,
  audience: Audience,
): Promise<LiveView> {
  if (!app) return { kind: 'unavailable', message: problem ?? 'not configured' };
  if (at === undefined) return { kind: 'live', snapshot: snapshotFor(audience, app.live.snapshot()) };
  const replay = await app.replayAt(at);
  if (replay.ok) return { kind: 'replay', snapshot: snapshotFor(audience, replay.snapshot) };
  const message =
    replay.code === 'store_unavailable' && audience === 'public' ? 'history unavailable right now' : replay.message;
  return { kind: 'replay-error', message: app.redact(message) };
}

export function sourcesView(app: App, audience: Audience): SourcesView {
  const sources = publicSources(app.config);
  return audience === 'public'
    ? { file: null, sources: sources.map((s) => ({ ...s, url: null })) }
    : { file: app.configFile, sources };
}

export async function auditView(app: App, filter: AuditFilter, audience: Audience): Promise<AuditView> {
  try {
    return { ok: true, rows: await (await app.stores()).audit.list(filter) };
  } catch (err) {
    return { ok: false, message: storeDown(app, audience, 'The audit log', err) };
  }
}

export async function incidentsView(app: App, audience: Audience): Promise<IncidentsView> {
  try {
    return { ok: true, incidents: await (await app.stores()).incidents.list(app.pipeline) };
  } catch (err) {
    return { ok: false, message: `${storeDown(app, audience, 'Incidents', err)} This page retries when reloaded.` };
  }
}

export async function incidentView(app: App, id: number | null, audience: Audience): Promise<IncidentView> {
  if (id === null) return { kind: 'not-found' };
  try {
    const detail = await loadIncident(await app.incidentDeps(), id);
    if (!detail) return { kind: 'not-found' };
    return { kind: 'found', detail: detailFor(audience, detail) };
  } catch (err) {
    return { kind: 'unavailable', message: `${storeDown(app, audience, 'Incident', err)} Reload to try again.` };
  }
}

/** Every configured pipeline, summed up from its live snapshot (the overview and GET /api/pipelines). */
export function pipelinesView(app: App): PipelinesView {
  return {
    pipelines: app.pipelines.map((name) => {
      const p = app.forPipeline(name)!;
      const s = p.live.snapshot();
      const b = s.bottleneck;
      const stage = b ? s.stages.find((st) => st.id === b.stageId) : undefined;
      const hasData = s.stages.some((st) => st.queue || st.latency || st.workers) || s.endToEnd.pMs !== null;
      const status: PipelineSummary['status'] = b
        ? 'bottleneck'
        : isSloBreached(s)
          ? 'slo-breach'
          : hasData
            ? 'healthy'
            : 'no-data';
      return {
        name,
        href: p.basePath || '/',
        status,
        bottleneck: b ? { stageId: b.stageId, label: stage?.label ?? b.stageId, reason: b.reason } : null,
        endToEnd: {
          pMs: s.endToEnd.pMs,
          sloMs: s.endToEnd.sloMs,
          quantile: s.endToEnd.quantile,
          estimated: s.endToEnd.estimated ?? false,
        },
        sourcesDown: Object.entries(s.sources)
          .filter(([, v]) => v.status === 'down' && v.error !== 'not configured')
          .map(([k]) => k),
        generatedAt: s.generatedAt,
      };
    }),
  };
}
