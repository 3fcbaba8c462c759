import { livePoller } from '@/lib/poller/live-access';
import { parseAt } from '@/lib/history/parse-at';
import { getDb } from '@/lib/store';
import { history } from '@/lib/store/history';
import { auditLog } from '@/lib/store/audit-log';
import { mergeTimeline } from '@/lib/incidents/timeline';

export const dynamic = 'force-dynamic';

/**
 * What happened between `from` and `to` (default: the last hour): the events derived from the
 * snapshots and every action from the audit log, in time order, each with a link to its moment.
 */
export async function GET(request: Request) {
  const { poller, response } = livePoller(request);
  if (!poller) return response;
  const params = new URL(request.url).searchParams;
  const now = Date.now();
  const from = params.has('from') ? parseAt(params.get('from')) : { ok: true as const, at: new Date(now - 3_600_000) };
  const to = params.has('to') ? parseAt(params.get('to')) : { ok: true as const, at: new Date(now) };
  if (!from.ok) return Response.json({ error: { code: 'invalid', message: `from: ${from.message}` } }, { status: 400 });
  if (!to.ok) return Response.json({ error: { code: 'invalid', message: `to: ${to.message}` } }, { status: 400 });
  const db = await getDb();
  const events = await history(db).events(poller.config.pipeline.name, from.at, to.at);
  const actions = (await auditLog(db).list({ from: from.at, to: to.at, limit: 500 })).reverse();
  const all = mergeTimeline({ events, actions }, (at) => `/?at=${encodeURIComponent(at)}`);
  return Response.json(
    { from: from.at.toISOString(), to: to.at.toISOString(), events: all },
    { headers: { 'cache-control': 'no-store' } },
  );
}
