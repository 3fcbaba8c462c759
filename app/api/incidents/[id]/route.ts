import { Incident, IncidentDetail, IncidentIdParams, UpdateIncidentInput } from '@/lib/contracts/incident';
import { actionFail, actionOk } from '@/lib/contracts/result';
import { updateIncident } from '@/lib/incidents/commands/update-incident';
import { loadIncident } from '@/lib/incidents/queries';
import { audienceOfUser, detailFor } from '@/lib/root/audience';
import { route } from '@/lib/root/gate';

export const dynamic = 'force-dynamic';

/** The incident with its timeline (derived events, actions, its own log and notes) and worst moment. */
export const GET = route(
  { name: 'reading an incident', access: 'read', params: IncidentIdParams, response: IncidentDetail },
  async ({ app, user, params }) => {
    const detail = await loadIncident(await app.incidentDeps(), params.id);
    if (!detail) return actionFail('not_found', `no incident #${params.id}`);
    return actionOk(detailFor(audienceOfUser(user), detail));
  },
);

/** Status, severity, title or owner: operators and admins; a status change needs a reason. */
export const PATCH = route(
  {
    name: 'changing an incident',
    access: 'operator',
    params: IncidentIdParams,
    body: UpdateIncidentInput,
    response: Incident,
  },
  async ({ app, user, params, body }) => updateIncident(await app.incidentDeps(), user!, params.id, body),
);
