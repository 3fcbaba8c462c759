import { actionFail, actionOk } from '@/lib/contracts/result';
import { parseAt } from '@/lib/contracts/time';
import { encodeTimelineCursor, TimelineCursorPage, TimelineQuery } from '@/lib/contracts/timeline';
import { mergeTimeline } from '@/lib/incidents/timeline';
import { audienceOfUser, entriesFor } from '@/lib/root/audience';
import { route } from '@/lib/root/gate';

export const dynamic = 'force-dynamic';

/**
 * What happened between `from` and `to` (default: the last hour), newest first, a page at a time:
 * the events derived from the snapshots, `limit` to a page (default 100), and every action from the
 * audit log in the stretch of time the page covers, each with a link to its moment. `cursor` (a
 * page's `nextCursor`) asks for the page before it.
 *
 * The events set the pages' bounds; an action belongs to the page whose stretch holds its time:
 * from the page's last event (inclusive) up to the cursor it was asked with (exclusive), or `to`
 * on the first page; the last page reaches down to `from`. These stretches do not overlap, so
 * every action shows once. (Actions are compared at their millisecond, as the audit log gives it.)
 */
export const GET = route(
  { name: 'reading the timeline', access: 'read', query: TimelineQuery, response: TimelineCursorPage },
  async ({ app, user, query }) => {
    const now = Date.now();
    const from = query.from !== undefined ? parseAt(query.from) : { ok: true as const, at: new Date(now - 3_600_000) };
    const to = query.to !== undefined ? parseAt(query.to) : { ok: true as const, at: new Date(now) };
    if (!from.ok) return actionFail('invalid', `from: ${from.message}`);
    if (!to.ok) return actionFail('invalid', `to: ${to.message}`);
    const { history, audit } = await app.stores();
    const page = await history.eventsPage(app.pipeline, {
      from: from.at,
      to: to.at,
      before: query.cursor ?? null,
      limit: query.limit,
    });
    const lowestUs = page.next ? page.next.atUs : from.at.getTime() * 1000;
    const highestUs = Math.min(to.at.getTime() * 1000, query.cursor ? query.cursor.atUs - 1 : Infinity);
    // A millisecond either side: the audit log's times are microseconds, compared here at their millisecond.
    const actions = (
      await audit.list({
        from: new Date(Math.floor(lowestUs / 1000) - 1),
        to: new Date(Math.ceil(highestUs / 1000) + 1),
        limit: 500,
      })
    ).filter((a) => {
      const atUs = Date.parse(a.createdAt) * 1000;
      return atUs >= lowestUs && atUs <= highestUs;
    });
    // mergeTimeline keeps equal times in input order, so both go in oldest first and come out reversed.
    const entries = mergeTimeline(
      { events: page.events.slice().reverse(), actions: actions.slice().reverse() },
      (at) => `/?at=${encodeURIComponent(at)}`,
    ).reverse();
    return actionOk({
      from: from.at.toISOString(),
      to: to.at.toISOString(),
      events: entriesFor(audienceOfUser(user), entries),
      nextCursor: page.next ? encodeTimelineCursor(page.next) : null,
    });
  },
);
