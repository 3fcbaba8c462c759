'use client';

import { useQuery } from '@tanstack/react-query';
import { getJson } from '../live/api-client';

interface TimelineEntry {
  at: string;
  kind: string;
  stageId: string | null;
  message: string;
  link: string;
}

/** The last hour (or the hour before a replayed moment): what changed and who did what, each linked to its moment. */
export function TimelinePanel({ until }: { until: string | null }) {
  const query = useQuery({
    queryKey: ['timeline', until],
    queryFn: async () => {
      const to = until ? new Date(until) : null;
      const params = to
        ? `?from=${encodeURIComponent(new Date(to.getTime() - 3_600_000).toISOString())}&to=${encodeURIComponent(to.toISOString())}`
        : '';
      return getJson<{ events: TimelineEntry[] }>(`/api/timeline${params}`);
    },
    refetchInterval: until ? false : 10_000,
  });
  const events = [...(query.data?.events ?? [])].reverse();
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
          {events.slice(0, 100).map((e, i) => (
            <li
              key={`${e.at}-${i}`}
              className="flex gap-3 border-t border-edge/60 px-4 py-1"
              data-testid="timeline-event"
              data-kind={e.kind}
            >
              <a href={e.link} className="font-mono text-sky-300 underline" title="open this moment">
                {e.at.slice(11, 19)}
              </a>
              <span>{e.message}</span>
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
