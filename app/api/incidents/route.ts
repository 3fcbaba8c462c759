import { guarded } from '@/lib/actions/guard';
import { livePoller } from '@/lib/poller/live-access';
import { getDb } from '@/lib/store';
import { incidents } from '@/lib/store/incidents';
import { OpenIncidentInput } from '@/lib/incidents/inputs';
import { openIncident } from '@/lib/incidents/service';
import { storeUnavailable } from './incident-id';

export const dynamic = 'force-dynamic';

/** Every incident of the pipeline, newest first (viewers may read). */
export async function GET(request: Request) {
  const { poller, response } = livePoller(request);
  if (!poller) return response;
  try {
    const list = await incidents(await getDb()).list(poller.config.pipeline.name);
    return Response.json({ incidents: list }, { headers: { 'cache-control': 'no-store' } });
  } catch (err) {
    return storeUnavailable(err);
  }
}

/** Opens an incident by hand: operators and admins; the opener is put in charge. */
export const POST = guarded(
  { action: 'opening an incident', role: 'operator', input: OpenIncidentInput },
  async (ctx, input) => openIncident(await getDb(), ctx, input),
);
