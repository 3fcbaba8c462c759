import { livePoller } from '@/lib/poller/live-access';
import { metrics } from '@/lib/metrics/registry';

export const dynamic = 'force-dynamic';

/** The latest snapshot, from the poller's cache: a request here never reaches a source. */
export function GET(request: Request) {
  const { poller, response } = livePoller(request);
  if (!poller) return response;
  metrics().topologyRequests.inc({ route: 'topology' });
  return Response.json(poller.snapshot(), { headers: { 'cache-control': 'no-store' } });
}
