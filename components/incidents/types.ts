'use client';

import { useQuery } from '@tanstack/react-query';
import type { IncidentDetail } from '@/lib/contracts/incident';
import { getJson } from '../live/api-client';

/** What GET /api/incidents/<id> returns (the server type, JSON-serialised). */
export type IncidentDetailJson = IncidentDetail;

export const fetchIncident = (id: number) => getJson<IncidentDetailJson>(`/api/incidents/${id}`);

/**
 * The incident detail, shared by the header, the scrubber and the timeline through the query
 * cache. The page hands the server-loaded detail to one of them only (IncidentData), so that the
 * page carries it once rather than once per component.
 */
export function useIncident(id: number) {
  return useQuery({ queryKey: ['incident', id], queryFn: () => fetchIncident(id), refetchInterval: 15_000 });
}
