import { livePoller } from '@/lib/poller/live-access';
import { replayAt } from '@/lib/history/replay';
import { metrics } from '@/lib/metrics/registry';

export const dynamic = 'force-dynamic';

/**
 * The latest snapshot, from the poller's cache (a request here never reaches a source), or with
 * `?at=<ISO time>` the snapshot that was current then, from the history.
 */
export async function GET(request: Request) {
  const { poller, response } = livePoller(request);
  if (!poller) return response;
  metrics().topologyRequests.inc({ route: 'topology' });
  const at = new URL(request.url).searchParams.get('at');
  if (at !== null) {
    const replay = await replayAt(poller.config.pipeline.name, at);
    if (!replay.ok)
      return Response.json({ error: { code: replay.code, message: replay.message } }, { status: replay.status });
    return Response.json(replay.snapshot, { headers: { 'cache-control': 'no-store' } });
  }
  return Response.json(poller.snapshot(), { headers: { 'cache-control': 'no-store' } });
}
