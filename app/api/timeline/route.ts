import { actionFail, actionOk } from '@/lib/contracts/result';
import { parseAt } from '@/lib/contracts/time';
import { encodeTimelineCursor, TimelineCursorPage, TimelineQuery } from '@/lib/contracts/timeline';
import { loadTimelinePage } from '@/lib/incidents/queries';
import { audienceOfUser, entriesFor } from '@/lib/root/audience';
import { route } from '@/lib/root/gate';

export const dynamic = 'force-dynamic';

/**
 * What happened between `from` and `to` (default: the last hour), newest first, a page at a time
 * (`limit`, default 100; `cursor`: a page's `nextCursor`): see loadTimelinePage.
 */
export const GET = route(
  { name: 'reading the timeline', access: 'read', query: TimelineQuery, response: TimelineCursorPage },
  async ({ app, user, query }) => {
    const now = Date.now();
    const from = query.from !== undefined ? parseAt(query.from) : { ok: true as const, at: new Date(now - 3_600_000) };
    const to = query.to !== undefined ? parseAt(query.to) : { ok: true as const, at: new Date(now) };
    if (!from.ok) return actionFail('invalid', `from: ${from.message}`);
    if (!to.ok) return actionFail('invalid', `to: ${to.message}`);
    const { history, audit, incidents } = await app.stores();
    const page = await loadTimelinePage(
      { pipeline: app.pipeline, history, audit, incidents },
      {
        from: from.at,
        to: to.at,
        before: query.cursor ?? null,
        limit: query.limit,
      },
    );
    return actionOk({
      from: from.at.toISOString(),
      to: to.at.toISOString(),
      events: entriesFor(audienceOfUser(user), page.entries),
      nextCursor: page.next ? encodeTimelineCursor(page.next) : null,
    });
  },
);
