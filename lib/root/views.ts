import 'server-only';
import { publicSources } from '../config/public-view';
import type { AuditFilter } from '../contracts/audit';
import type { AuditView, IncidentsView, IncidentView, LiveView, SourcesView } from '../contracts/views';
import { loadIncident } from '../incidents/queries';
import { getApp, type App } from './app';

/**
 * The data of each server-rendered panel, read through the composition root. Each returns the
 * panel's data or a sentence saying why there is none; none throws, so a dead store or source
 * blanks one panel, never the page.
 */
const unavailable = (what: string, err: unknown) =>
  `${what} unavailable: the store did not answer (${(err as Error).message}).`;

export async function liveView(app: App | null, problem: string | null, at: string | undefined): Promise<LiveView> {
  if (!app) return { kind: 'unavailable', message: problem ?? 'not configured' };
  if (at === undefined) return { kind: 'live', snapshot: app.poller.snapshot() };
  const replay = await app.replayAt(at).catch((err: Error) => ({ ok: false as const, message: err.message }));
  return replay.ok ? { kind: 'replay', snapshot: replay.snapshot } : { kind: 'replay-error', message: replay.message };
}

export function sourcesView(): SourcesView {
  const state = getApp();
  if (state.status === 'missing') return { status: 'missing' };
  if (state.status === 'invalid') return { status: 'invalid', error: state.error };
  return { status: 'loaded', file: state.app.configFile, sources: publicSources(state.app.config) };
}

export async function auditView(app: App, filter: AuditFilter): Promise<AuditView> {
  try {
    return { ok: true, rows: await (await app.stores()).audit.list(filter) };
  } catch (err) {
    return { ok: false, message: `The store is unavailable: ${(err as Error).message}` };
  }
}

export async function incidentsView(app: App): Promise<IncidentsView> {
  try {
    return { ok: true, incidents: await (await app.stores()).incidents.list(app.pipeline) };
  } catch (err) {
    return { ok: false, message: `${unavailable('Incidents', err)} This page retries when reloaded.` };
  }
}

export async function incidentView(app: App, id: number | null): Promise<IncidentView> {
  if (id === null) return { kind: 'not-found' };
  try {
    const detail = await loadIncident(await app.incidentDeps(), id);
    return detail ? { kind: 'found', detail } : { kind: 'not-found' };
  } catch (err) {
    return { kind: 'unavailable', message: `${unavailable('Incident', err)} Reload to try again.` };
  }
}
