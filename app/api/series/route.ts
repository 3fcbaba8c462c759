import { getPoller } from '@/lib/poller';
import { readAccess, unauthorized } from '@/lib/auth/read-access';

export const dynamic = 'force-dynamic';

/** The last 15 minutes for one stage (or `end-to-end`), from the poller's cache. */
export function GET(request: Request) {
  if (!readAccess(request.headers).allowed) return unauthorized();
  const stage = new URL(request.url).searchParams.get('stage');
  const { poller, error } = getPoller();
  if (!poller) return Response.json({ error: { code: 'not_configured', message: error } }, { status: 503 });
  if (!poller.series) return Response.json({ error: { code: 'no_prometheus', message: 'Prometheus is not configured' } }, { status: 404 });
  if (!stage) return Response.json({ error: { code: 'invalid', message: 'query parameter "stage" is required' } }, { status: 400 });
  const series = stage === 'end-to-end' ? poller.series.endToEnd() : poller.series.get(stage);
  if (!series) return Response.json({ error: { code: 'not_found', message: `no stage "${stage}" in this pipeline` } }, { status: 404 });
  return Response.json(series, { headers: { 'cache-control': 'no-store' } });
}
