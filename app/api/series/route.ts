import { livePoller } from '@/lib/poller/live-access';
import { parseAt } from '@/lib/history/parse-at';

export const dynamic = 'force-dynamic';

/**
 * One stage's (or `end-to-end`'s) last 15 minutes, from the poller's cache; with `at`, the 15
 * minutes up to that moment (a replayed link), from Prometheus once and then cached.
 */
export async function GET(request: Request) {
  const { poller, response } = livePoller(request);
  if (!poller) return response;
  const params = new URL(request.url).searchParams;
  const stage = params.get('stage');
  if (!poller.series)
    return Response.json(
      { error: { code: 'no_prometheus', message: 'Prometheus is not configured' } },
      { status: 404 },
    );
  if (!stage)
    return Response.json(
      { error: { code: 'invalid', message: 'query parameter "stage" is required' } },
      { status: 400 },
    );
  let series;
  if (params.has('at')) {
    const at = parseAt(params.get('at'));
    if (!at.ok) return Response.json({ error: { code: 'invalid', message: `at: ${at.message}` } }, { status: 400 });
    series = await poller.series.at(stage, at.at.getTime());
  } else {
    series = stage === 'end-to-end' ? poller.series.endToEnd() : poller.series.get(stage);
  }
  if (!series)
    return Response.json(
      { error: { code: 'not_found', message: `no stage "${stage}" in this pipeline` } },
      { status: 404 },
    );
  return Response.json(series, { headers: { 'cache-control': 'no-store' } });
}
