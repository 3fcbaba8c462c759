import { errorResponse } from '@/lib/actions/guard';
import { livePoller } from '@/lib/poller/live-access';
import { getDb } from '@/lib/store';
import { loadIncident, parseIncidentId, type IncidentDetail } from '@/lib/incidents/service';

/** The incident id in /api/incidents/<id>/..., or the 404 to answer when it is not one. */
export function incidentIdFrom(request: Request): { id: number; response: null } | { id: null; response: Response } {
  const raw = /\/api\/incidents\/([^/?]+)/.exec(new URL(request.url).pathname)?.[1];
  const id = parseIncidentId(raw);
  if (id === null)
    return {
      id: null,
      response: errorResponse(
        404,
        'not_found',
        `"${decodeURIComponent(raw ?? '').slice(0, 40)}" is not an incident id`,
      ),
    };
  return { id, response: null };
}

/** The common start of the incident read routes: read access (401), the poller (503), the id and the incident (404). */
export async function readIncident(
  request: Request,
): Promise<{ detail: IncidentDetail; response: null } | { detail: null; response: Response }> {
  const { poller, response } = livePoller(request);
  if (!poller) return { detail: null, response };
  const { id, response: notAnId } = incidentIdFrom(request);
  if (id === null) return { detail: null, response: notAnId };
  let detail: IncidentDetail | null;
  try {
    detail = await loadIncident(await getDb(), poller.config.pipeline.name, id);
  } catch (err) {
    return { detail: null, response: storeUnavailable(err) };
  }
  if (!detail) return { detail: null, response: errorResponse(404, 'not_found', `no incident #${id}`) };
  return { detail, response: null };
}

/** The store did not answer: a 503 that says so, not a 500. */
export function storeUnavailable(err: unknown): Response {
  return errorResponse(
    503,
    'store_unavailable',
    `incidents unavailable: the store did not answer (${(err as Error).message})`,
  );
}
