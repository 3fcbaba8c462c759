import { errorResponse } from '@/lib/actions/guard';
import { parseIncidentId } from '@/lib/incidents/service';

/** The incident id in /api/incidents/<id>/..., or the 404 to answer when it is not one. */
export function incidentIdFrom(request: Request): { id: number; response: null } | { id: null; response: Response } {
  const raw = /\/api\/incidents\/([^/?]+)/.exec(new URL(request.url).pathname)?.[1];
  const id = parseIncidentId(raw);
  if (id === null) return { id: null, response: errorResponse(404, 'not_found', `"${decodeURIComponent(raw ?? '').slice(0, 40)}" is not an incident id`) };
  return { id, response: null };
}
