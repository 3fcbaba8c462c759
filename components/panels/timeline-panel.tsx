'use client';

import { memo } from 'react';
import { useInfiniteQuery } from '@tanstack/react-query';
import type { TimelineCursorPage } from '@/lib/contracts/timeline';
import { getJson } from '../live/api-client';
import { usePagePath } from '../live/pipeline-scope';

/** The query string of one page: the hour before `until` (the last hour when live), after `cursor`. */
function pageUrl(until: string | null, cursor: string | null): string {
  const params = new URLSearchParams();
  if (until) {
    const to = new Date(until);
    params.set('from', new Date(to.getTime() - 3_600_000).toISOString());
    params.set('to', to.toISOString());
  }
  if (cursor) params.set('cursor', cursor);
  const query = params.toString();
  return `/api/timeline${query ? `?${query}` : ''}`;
}

/**
 * The last hour (or the hour before a replayed moment), newest first: what changed and who did
 * what, each linked to its moment. A page at a time; "Load older" follows the page's cursor. While
 * live, every loaded page is refetched in turn (react-query starts again from the newest page), so
 * the list stays in order without gaps. Memoised: the live page renders again on every snapshot,
 * and this list changes only with its own query.
 */
export const TimelinePanel = memo(function TimelinePanel({ until }: { until: string | null }) {
  const page = usePagePath();
  const query = useInfiniteQuery({
    queryKey: ['timeline', until],
    queryFn: ({ pageParam }) => getJson<TimelineCursorPage>(pageUrl(until, pageParam)),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor,
    refetchInterval: until ? false : 10_000,
  });
  const events = query.data?.pages.flatMap((page) => page.events) ?? [];
  return (
    <section className="rounded-lg border border-edge bg-panel" data-testid="timeline">
      <header className="border-b border-edge px-4 py-2">
        <h2 className="text-sm font-semibold uppercase tracking-wide text-muted">Timeline, last hour</h2>
      </header>
      {query.isError && (
        <p className="px-4 py-3 text-sm text-warn">Timeline unavailable: {(query.error as Error).message}</p>
      )}
      {query.data && events.length === 0 && <p className="px-4 py-3 text-sm text-muted">Nothing changed.</p>}
      {events.length > 0 && (
        <ol className="max-h-64 overflow-auto text-xs">
          {events.map((e, i) => (
            <li
              key={`${e.at}-${i}`}
              className="flex gap-3 border-t border-edge/60 px-4 py-1"
              data-testid="timeline-event"
              data-kind={e.kind}
            >
              <a href={page(e.link)} className="font-mono text-accent underline" title="open this moment">
                {e.at.slice(11, 19)}
              </a>
              <span>{e.message}</span>
            </li>
          ))}
          {query.hasNextPage && (
            <li className="border-t border-edge/60 px-4 py-1">
              <button
                type="button"
                className="text-muted underline hover:text-ink disabled:opacity-50"
                data-testid="timeline-load-older"
                disabled={query.isFetchingNextPage}
                onClick={() => void query.fetchNextPage()}
              >
                {query.isFetchingNextPage ? 'Loading older events…' : 'Load older'}
              </button>
            </li>
          )}
        </ol>
      )}
    </section>
  );
});
