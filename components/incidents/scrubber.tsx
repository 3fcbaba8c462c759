'use client';

import { useRef, useState } from 'react';
import { useRouter } from 'next/navigation';
import { isActive } from '@/lib/contracts/incident-rules';
import { useIncident, type IncidentDetailJson } from './types';
import { usePagePath } from '../live/pipeline-scope';

const markKinds = new Set([
  'bottleneck-appeared',
  'bottleneck-moved',
  'bottleneck-cleared',
  'slo-breach-began',
  'slo-breach-ended',
  'action',
  'note',
]);

/**
 * Moves through the incident: a slider over its window with a mark per key event, previous/next
 * event buttons, and Live while the incident is open. Letting go of the slider opens that moment
 * (`?at=`), which the server renders from the stored snapshots.
 */
export function IncidentScrubber({ id, at }: { id: number; at: string | null }) {
  const { data } = useIncident(id);
  return data ? <IncidentScrubberView data={data} at={at} /> : null;
}

function IncidentScrubberView({ data, at }: { data: IncidentDetailJson; at: string | null }) {
  const page = usePagePath();
  const router = useRouter();
  const id = data.incident.id;
  const from = Date.parse(data.window.from);
  const to = Math.max(from + 1000, Date.parse(data.window.to));
  const current = at ? Date.parse(at) : to;
  // Where the slider is while someone drags it; ignored once the page shows another moment.
  const [drag, setDrag] = useState<{ base: number; value: number } | null>(null);
  const value = drag && drag.base === current ? drag.value : current;
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const open = (ms: number) =>
    router.replace(
      page(`/incidents/${id}?at=${encodeURIComponent(new Date(Math.min(ms, Date.now())).toISOString())}`),
      {
        scroll: false,
      },
    );
  const commit = (ms: number) => {
    if (timer.current) clearTimeout(timer.current);
    timer.current = setTimeout(() => open(ms), 250);
  };
  const marks = data.timeline.filter((e) => markKinds.has(e.kind));
  const previous = [...data.timeline].reverse().find((e) => Date.parse(e.at) < current - 500);
  const next = data.timeline.find((e) => Date.parse(e.at) > current + 500);
  const live = isActive(data.incident.status);
  return (
    <section className="space-y-1 rounded-lg border border-edge bg-panel px-4 py-3" data-testid="scrubber">
      <div className="flex items-center justify-between text-xs text-muted">
        <span>{data.window.from.slice(11, 19)} UTC</span>
        <span className="font-mono text-ink" data-testid="scrubber-time">
          {at ? new Date(value).toISOString().slice(11, 19) + ' UTC' : 'live'}
        </span>
        <span>{live ? 'now' : `${data.window.to.slice(11, 19)} UTC`}</span>
      </div>
      <div className="relative">
        <input
          type="range"
          className="w-full accent-sky-600"
          min={from}
          max={to}
          step={1000}
          value={Math.min(Math.max(value, from), to)}
          aria-label="Move through the incident"
          data-testid="scrubber-input"
          onChange={(e) => {
            const ms = Number(e.target.value);
            setDrag({ base: current, value: ms });
            commit(ms);
          }}
        />
        <div className="pointer-events-none relative h-2">
          {marks.map((m, i) => (
            <span
              key={`${m.at}-${i}`}
              className={`absolute top-0 h-2 w-0.5 ${m.kind === 'action' ? 'bg-warn' : m.kind === 'note' ? 'bg-accent' : m.kind.endsWith('cleared') || m.kind.endsWith('ended') ? 'bg-ok' : 'bg-crit'}`}
              style={{ left: `${((Date.parse(m.at) - from) / (to - from)) * 100}%` }}
              title={`${m.at.slice(11, 19)} ${m.message}`}
            />
          ))}
        </div>
      </div>
      <div className="flex items-center justify-between gap-2 text-xs">
        <button
          className="rounded border border-edge px-2 py-1 hover:bg-edge disabled:opacity-40"
          disabled={!previous}
          onClick={() => previous && open(Date.parse(previous.at))}
          data-testid="scrub-previous"
        >
          ◀ previous event
        </button>
        {live && at && (
          <button
            className="rounded border border-ok px-2 py-1 text-ok hover:bg-edge"
            onClick={() => router.replace(page(`/incidents/${id}`), { scroll: false })}
            data-testid="scrub-live"
          >
            Live
          </button>
        )}
        <button
          className="rounded border border-edge px-2 py-1 hover:bg-edge disabled:opacity-40"
          disabled={!next}
          onClick={() => next && open(Date.parse(next.at))}
          data-testid="scrub-next"
        >
          next event ▶
        </button>
      </div>
    </section>
  );
}
