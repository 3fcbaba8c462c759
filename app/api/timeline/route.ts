import { z } from 'zod';
import { TimelinePage } from '@/lib/contracts/timeline';
import { actionFail, actionOk } from '@/lib/contracts/result';
import { parseAt } from '@/lib/contracts/time';
import { loadTimeline } from '@/lib/incidents/queries';
import { audienceOfUser, entriesFor } from '@/lib/root/audience';
import { route } from '@/lib/root/gate';

export const dynamic = 'force-dynamic';

const Query = z.object({ from: z.string().optional(), to: z.string().optional() });

/**
 * What happened between `from` and `to` (default: the last hour): the events derived from the
 * snapshots and every action from the audit log, in time order, each with a link to its moment.
 */
export const GET = route(
  { name: 'reading the timeline', access: 'read', query: Query, response: TimelinePage },
  async ({ app, user, query }) => {
    const now = Date.now();
    const from = query.from !== undefined ? parseAt(query.from) : { ok: true as const, at: new Date(now - 3_600_000) };
    const to = query.to !== undefined ? parseAt(query.to) : { ok: true as const, at: new Date(now) };
    if (!from.ok) return actionFail('invalid', `from: ${from.message}`);
    if (!to.ok) return actionFail('invalid', `to: ${to.message}`);
    const page = await loadTimeline(await app.incidentDeps(), from.at, to.at);
    return actionOk({ ...page, events: entriesFor(audienceOfUser(user), page.events) });
  },
);
