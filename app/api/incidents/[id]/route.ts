import { errorResponse, guarded } from '@/lib/actions/guard';
import { actionFail } from '@/lib/actions/result';
import { livePoller } from '@/lib/poller/live-access';
import { getDb } from '@/lib/store';
import { UpdateIncidentInput } from '@/lib/incidents/inputs';
import { loadIncident, updateIncident } from '@/lib/incidents/service';
import { incidentIdFrom } from '../incident-id';

export const dynamic = 'force-dynamic';

/** The incident with its timeline (derived events, actions, its own log and notes) and worst moment. */
export async function GET(request: Request) {
  const { poller, response } = livePoller(request);
  if (!poller) return response;
  const { id, response: notAnId } = incidentIdFrom(request);
  if (id === null) return notAnId;
  const detail = await loadIncident(await getDb(), poller.config.pipeline.name, id);
  if (!detail) return errorResponse(404, 'not_found', `no incident #${id}`);
  return Response.json(detail, { headers: { 'cache-control': 'no-store' } });
}

/** Status, severity, title or owner: operators and admins; a status change needs a reason. */
export const PATCH = guarded({ action: 'changing an incident', role: 'operator', input: UpdateIncidentInput }, async (ctx, input, request) => {
  const { id } = incidentIdFrom(request);
  if (id === null) return actionFail('not_found', 'not an incident id');
  return updateIncident(await getDb(), ctx, id, input);
});
