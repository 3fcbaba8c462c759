'use client';

import Link from 'next/link';
import { useEffect, useRef, useState } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import type { Viewer } from '@/lib/contracts/viewer';
import { sendJson } from '../live/api-client';
import { denyReason } from './incident-header';
import { useIncident, type IncidentDetailJson } from './types';
import { usePagePath } from '../live/pipeline-scope';
import { placeWindow, timelinePage } from '@/lib/contracts/timeline-window';

const sourceStyle = { warroom: 'text-muted', action: 'text-warn', incident: 'text-accent' } as const;

/**
 * The incident's timeline, oldest first: what warroom saw, what people did, and their notes, each
 * linked to its moment; the entry of the replayed moment is marked. Operators add notes here.
 */
export function IncidentTimeline({ id, viewer, at }: { id: number; viewer: Viewer | null; at: string | null }) {
  const { data } = useIncident(id);
  return data ? <IncidentTimelineView data={data} viewer={viewer} at={at} /> : null;
}

function IncidentTimelineView({
  data,
  viewer,
  at,
}: {
  data: IncidentDetailJson;
  viewer: Viewer | null;
  at: string | null;
}) {
  const page = usePagePath();
  const client = useQueryClient();
  const id = data.incident.id;
  const [note, setNote] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const denied = denyReason(viewer);
  // Pages shown beyond the window around the replayed moment's entry (or the newest), until another
  // moment is opened. `current`: the last entry at or before that moment.
  const [widened, setWidened] = useState({ at, earlier: 0, later: 0 });
  const extra = widened.at === at ? widened : { at, earlier: 0, later: 0 };
  const shown = placeWindow(data.timeline, at, extra.earlier, extra.later);
  const { current } = shown;
  const widen = (side: 'earlier' | 'later') => setWidened({ ...extra, [side]: extra[side] + 1 });
  // The page's first render carries one window (data.omitted); the whole timeline follows it.
  const hiddenBefore = shown.from + (data.omitted?.before ?? 0);
  const hiddenAfter = data.timeline.length - shown.to + (data.omitted?.after ?? 0);
  // Bring the replayed moment's entry into view inside the list (not the page).
  const list = useRef<HTMLOListElement>(null);
  useEffect(() => {
    const box = list.current;
    const row = box?.querySelector<HTMLElement>('[data-current="true"]');
    if (box && row) box.scrollTop = Math.max(0, row.offsetTop - box.clientHeight / 2);
  }, [current]);
  return (
    <section className="rounded-lg border border-edge bg-panel" data-testid="incident-timeline">
      <header className="flex items-center justify-between border-b border-edge px-4 py-2">
        <h2 className="text-sm font-semibold uppercase tracking-wide text-muted" elementtiming="incident-timeline">
          Incident timeline
        </h2>
        <span className="text-xs text-muted">
          {data.window.from.slice(11, 19)} to {data.window.to.slice(11, 19)} UTC
          {data.truncated ? ', first 5,000 events' : ''}
        </span>
      </header>
      {data.timeline.length === 0 && <p className="px-4 py-3 text-sm text-muted">Nothing recorded yet.</p>}
      <ol ref={list} className="relative max-h-96 overflow-auto text-xs">
        {hiddenBefore > 0 && <WidenItem side="earlier" hidden={hiddenBefore} onWiden={widen} className="px-4 py-1" />}
        {data.timeline.slice(shown.from, shown.to).map((e, slot) => {
          const i = shown.from + slot;
          return (
            <li
              key={`${e.at}-${i}`}
              className={`flex gap-3 border-t border-edge/60 px-4 py-1 ${i === current ? 'bg-accent/10' : ''}`}
              data-testid="timeline-event"
              data-kind={e.kind}
              data-stage={e.stageId ?? undefined}
              data-current={i === current ? 'true' : undefined}
            >
              <Link
                href={page(e.link)}
                className="shrink-0 font-mono text-accent underline"
                title="open this moment"
                scroll={false}
              >
                {e.at.slice(11, 19)}
              </Link>
              <span className={`shrink-0 ${sourceStyle[e.source]}`}>
                {e.source === 'warroom'
                  ? 'seen'
                  : e.source === 'action'
                    ? 'action'
                    : e.kind === 'note'
                      ? 'note'
                      : 'incident'}
              </span>
              <span elementtiming={i === current ? 'incident-timeline-current' : undefined}>{e.message}</span>
            </li>
          );
        })}
        {hiddenAfter > 0 && (
          <WidenItem side="later" hidden={hiddenAfter} onWiden={widen} className="border-t border-edge/60 px-4 py-1" />
        )}
      </ol>
      <form
        className="flex flex-wrap items-end gap-2 border-t border-edge px-4 py-3 text-sm"
        title={denied ?? undefined}
        onSubmit={async (e) => {
          e.preventDefault();
          setBusy(true);
          setError(null);
          const r = await sendJson<{ id: number }>('POST', `/api/incidents/${id}/notes`, { body: note });
          setBusy(false);
          if (!r.ok) return setError(r.message);
          setNote('');
          await client.invalidateQueries({ queryKey: ['incident', id] });
        }}
      >
        <label className="flex min-w-[min(18rem,100%)] flex-1 flex-col gap-1">
          <span className="text-xs text-muted">Add a note to the timeline</span>
          <input
            className="rounded border border-edge bg-surface px-2 py-1"
            value={note}
            onChange={(e) => setNote(e.target.value)}
            disabled={denied !== null}
            maxLength={5000}
            data-testid="note-input"
          />
        </label>
        <button
          type="submit"
          className="rounded border border-edge px-3 py-1 hover:bg-edge disabled:opacity-50"
          disabled={denied !== null || busy || note.trim() === ''}
          data-testid="note-submit"
        >
          Add note
        </button>
        {error && (
          <p className="w-full text-crit" role="alert">
            {error}
          </p>
        )}
      </form>
    </section>
  );
}

/** The list's "Show N earlier" or "Show N later": a page more of the entries not shown on that side. */
function WidenItem({
  side,
  hidden,
  onWiden,
  className,
}: {
  side: 'earlier' | 'later';
  hidden: number;
  onWiden: (side: 'earlier' | 'later') => void;
  className: string;
}) {
  return (
    <li className={className}>
      <button
        type="button"
        className="text-accent underline"
        onClick={() => onWiden(side)}
        data-testid={`timeline-${side}`}
      >
        Show {Math.min(timelinePage, hidden)} {side} ({hidden} not shown)
      </button>
    </li>
  );
}
