import { getPoller } from '@/lib/poller';
import { readAccess, unauthorized } from '@/lib/auth/read-access';
import { metrics } from '@/lib/metrics/registry';

export const dynamic = 'force-dynamic';

/** The latest snapshot, from the poller's cache: a request here never reaches a source. */
export function GET(request: Request) {
  if (!readAccess(request.headers).allowed) return unauthorized();
  metrics().topologyRequests.inc({ route: 'topology' });
  const { poller, error } = getPoller();
  if (!poller) return Response.json({ error: { code: 'not_configured', message: error } }, { status: 503 });
  return Response.json(poller.snapshot(), { headers: { 'cache-control': 'no-store' } });
}
