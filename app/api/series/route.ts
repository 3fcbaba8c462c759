import { livePoller } from '@/lib/poller/live-access';

export const dynamic = 'force-dynamic';

/** The last 15 minutes for one stage (or `end-to-end`), from the poller's cache. */
export function GET(request: Request) {
  const { poller, response } = livePoller(request);
  if (!poller) return response;
  const stage = new URL(request.url).searchParams.get('stage');
  if (!poller.series) return Response.json({ error: { code: 'no_prometheus', message: 'Prometheus is not configured' } }, { status: 404 });
  if (!stage) return Response.json({ error: { code: 'invalid', message: 'query parameter "stage" is required' } }, { status: 400 });
  const series = stage === 'end-to-end' ? poller.series.endToEnd() : poller.series.get(stage);
  if (!series) return Response.json({ error: { code: 'not_found', message: `no stage "${stage}" in this pipeline` } }, { status: 404 });
  return Response.json(series, { headers: { 'cache-control': 'no-store' } });
}
