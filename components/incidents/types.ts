import type { IncidentDetail } from '@/lib/incidents/service';

/** What GET /api/incidents/<id> returns (the server type, JSON-serialised). */
export type IncidentDetailJson = IncidentDetail;

export async function fetchIncident(id: number): Promise<IncidentDetailJson> {
  const res = await fetch(`/api/incidents/${id}`, { cache: 'no-store' });
  const body = await res.json();
  if (!res.ok) throw new Error(body?.error?.message ?? `HTTP ${res.status}`);
  return body as IncidentDetailJson;
}
