'use client';

import { useQuery } from '@tanstack/react-query';
import type { IncidentDetail } from '@/lib/incidents/service';

/** What GET /api/incidents/<id> returns (the server type, JSON-serialised). */
export type IncidentDetailJson = IncidentDetail;

export async function fetchIncident(id: number): Promise<IncidentDetailJson> {
  const res = await fetch(`/api/incidents/${id}`, { cache: 'no-store' });
  const body = await res.json();
  if (!res.ok) throw new Error(body?.error?.message ?? `HTTP ${res.status}`);
  return body as IncidentDetailJson;
}

/**
 * The incident detail, shared by the header, the scrubber and the timeline through the query
 * cache. The page hands the server-loaded detail to one of them only (IncidentData), so that the
 * page carries it once rather than once per component.
 */
export function useIncident(id: number) {
  return useQuery({ queryKey: ['incident', id], queryFn: () => fetchIncident(id), refetchInterval: 15_000 });
}
