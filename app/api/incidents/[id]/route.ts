import { guarded } from '@/lib/actions/guard';
import { actionFail } from '@/lib/actions/result';
import { getDb } from '@/lib/store';
import { UpdateIncidentInput } from '@/lib/incidents/inputs';
import { updateIncident } from '@/lib/incidents/service';
import { incidentIdFrom, readIncident } from '../incident-id';

export const dynamic = 'force-dynamic';

/** The incident with its timeline (derived events, actions, its own log and notes) and worst moment. */
export async function GET(request: Request) {
  const { detail, response } = await readIncident(request);
  if (!detail) return response;
  return Response.json(detail, { headers: { 'cache-control': 'no-store' } });
}

/** Status, severity, title or owner: operators and admins; a status change needs a reason. */
export const PATCH = guarded(
  { action: 'changing an incident', role: 'operator', input: UpdateIncidentInput },
  async (ctx, input, request) => {
    const { id } = incidentIdFrom(request);
    if (id === null) return actionFail('not_found', 'not an incident id');
    return updateIncident(await getDb(), ctx, id, input);
  },
);
