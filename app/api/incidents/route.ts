import { Incident, IncidentList, OpenIncidentInput } from '@/lib/contracts/incident';
import { actionOk } from '@/lib/contracts/result';
import { openIncident } from '@/lib/incidents/commands/open-incident';
import { route } from '@/lib/root/gate';

export const dynamic = 'force-dynamic';

/** Every incident of the pipeline, newest first (viewers may read). */
export const GET = route({ name: 'listing incidents', access: 'read', response: IncidentList }, async ({ app }) =>
  actionOk({ incidents: await (await app.stores()).incidents.list(app.pipeline) }),
);

/** Opens an incident by hand: operators and admins; the opener is put in charge. */
export const POST = route(
  { name: 'opening an incident', access: 'operator', body: OpenIncidentInput, response: Incident },
  async ({ app, user, body }) => openIncident(await app.incidentDeps(), user!, body),
);
