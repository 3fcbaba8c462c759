import type { AuditRow } from './audit';
import type { Incident, IncidentDetail } from './incident';
import type { Snapshot } from './snapshot';

/**
 * What the server components hand to the presentational ones: each panel's data, or the sentence
 * that says why it has none (so one dead part blanks one panel, not the page).
 */
export type LiveView =
  | { kind: 'live'; snapshot: Snapshot }
  | { kind: 'replay'; snapshot: Snapshot & { replay: { at: string; storedAt: string } } }
  | { kind: 'replay-error'; message: string }
  | { kind: 'unavailable'; message: string };

export type SourceKind = 'rabbitmq' | 'prometheus' | 'nomad';

/** What the browser may know about a source: where it is and whether credentials are set, never the credentials. */
export interface PublicSource {
  kind: SourceKind;
  configured: boolean;
  url: string | null;
  authenticated: boolean;
  detail: string | null;
}

/** `file` and each source's `url` are null for the public view (anonymous viewers). */
export type SourcesView = { file: string | null; sources: PublicSource[] };

export type AuditView = { ok: true; rows: AuditRow[] } | { ok: false; message: string };

export type IncidentsView = { ok: true; incidents: Incident[] } | { ok: false; message: string };

export type IncidentView =
  { kind: 'found'; detail: IncidentDetail } | { kind: 'not-found' } | { kind: 'unavailable'; message: string };
