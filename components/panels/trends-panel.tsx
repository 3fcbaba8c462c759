'use client';

import { useQuery } from '@tanstack/react-query';
import { usePathname, useRouter, useSearchParams } from 'next/navigation';
import { memo, useRef, useState } from 'react';
import {
  CartesianGrid,
  Line,
  LineChart,
  ReferenceArea,
  ReferenceLine,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import type { CategoricalChartFunc } from 'recharts/types/chart/types';
import type { SeriesLine } from '@/lib/contracts/series';
import { TrendRange, type TrendMarker, type TrendsView } from '@/lib/contracts/trends';
import { getJson } from '../live/api-client';
import { selectionOf, withMoment, withRange, withWindow } from './trends-url';

/**
 * The main page's trends: three small charts on one time axis (end-to-end latency against the
 * SLO, the bottleneck queue's depth with its arrival and drain rates, the worker counts), a
 * vertical marker for every moment of the timeline in the range, and a picker whose range lives
 * in the address. Drag across a chart to zoom to that stretch; click a moment to replay it in
 * place (router navigation to `?at=`, the charts kept on their range).
 */

const presets = TrendRange.options;
const presetLabel: Record<TrendRange, string> = { '15m': '15 min', '1h': '1 h', '6h': '6 h', '24h': '24 h' };
const colours = ['#7cc4fa', '#e0a526', '#3fb27f', '#c084fc', '#f472b6', '#94a3b8'];
const markerColour: Record<TrendMarker['source'], string> = {
  warroom: '#e0a526',
  action: '#3fb27f',
  incident: '#ef5a5a',
};
/** Every chart's y axes take the same width on both sides, so their plot areas (and the marker strip) line up. */
const axisWidth = 48;

type Row = Record<string, number | null>;

function rowsOf(lines: SeriesLine[]): Row[] {
  const byT = new Map<number, Row>();
  for (const line of lines)
    for (const p of line.points) {
      const row = byT.get(p.t) ?? { t: p.t };
      row[line.key] = p.value;
      byT.set(p.t, row);
    }
  return [...byT.values()].sort((a, b) => a.t! - b.t!);
}

/** UTC, as every time on the page; seconds only on ranges short enough to need them. */
const clock = (tSec: number, spanSec: number) =>
  new Date(tSec * 1000).toISOString().slice(11, spanSec > 1800 ? 16 : 19);

interface Drag {
  start: number;
  end: number;
}

function TrendChart({
  testId,
  title,
  lines,
  rightKeys = [],
  domain,
  markers,
  replayT,
  drag,
  handlers,
  levels = [],
}: {
  testId: string;
  title: string;
  lines: SeriesLine[];
  rightKeys?: string[];
  domain: [number, number];
  markers: TrendMarker[];
  replayT: number | null;
  drag: Drag | null;
  handlers: { onMouseDown: CategoricalChartFunc; onMouseMove: CategoricalChartFunc; onMouseUp: CategoricalChartFunc };
  levels?: Array<{
    y: number;
    label: string;
    colour: string;
    dashed: boolean;
    position: 'insideTopLeft' | 'insideTopRight' | 'insideBottomRight';
  }>;
}) {
  const span = domain[1] - domain[0];
  return (
    <div className="h-40 select-none" data-testid={testId} data-points={lines[0]?.points.length ?? 0}>
      <p className="mb-1 text-xs text-muted">{title}</p>
      <ResponsiveContainer width="100%" height="88%">
        <LineChart
          data={rowsOf(lines)}
          syncId="trends"
          margin={{ top: 4, right: 0, bottom: 0, left: 0 }}
          style={{ cursor: 'crosshair' }}
          {...handlers}
        >
          <CartesianGrid stroke="#1f2a37" />
          <XAxis
            dataKey="t"
            type="number"
            domain={domain}
            allowDataOverflow
            tickFormatter={(t: number) => clock(t, span)}
            stroke="#7d8a99"
            fontSize={10}
          />
          <YAxis yAxisId="left" stroke="#7d8a99" fontSize={10} width={axisWidth} />
          <YAxis
            yAxisId="right"
            orientation="right"
            stroke="#7d8a99"
            fontSize={10}
            width={axisWidth}
            tick={rightKeys.length > 0}
            axisLine={rightKeys.length > 0}
          />
          <Tooltip
            labelFormatter={(t) => `${new Date(Number(t) * 1000).toISOString().slice(11, 19)} UTC (click to replay)`}
            contentStyle={{ background: '#121821', border: '1px solid #1f2a37', fontSize: 11 }}
          />
          {levels.map((l) => (
            <ReferenceLine
              key={l.label}
              yAxisId="left"
              y={l.y}
              stroke={l.colour}
              strokeDasharray={l.dashed ? '4 3' : undefined}
              label={{ value: l.label, position: l.position, fill: l.colour, fontSize: 9 }}
              ifOverflow="extendDomain"
            />
          ))}
          {markers.map((m, i) => (
            <ReferenceLine
              key={`${m.at}-${i}`}
              yAxisId="left"
              x={Date.parse(m.at) / 1000}
              stroke={markerColour[m.source]}
              strokeOpacity={0.7}
              strokeDasharray="2 2"
            />
          ))}
          {replayT !== null && <ReferenceLine yAxisId="left" x={replayT} stroke="#38bdf8" strokeWidth={2} />}
          {lines.map((l, i) => (
            <Line
              key={l.key}
              yAxisId={rightKeys.includes(l.key) ? 'right' : 'left'}
              dataKey={(row: Row) => row[l.key] ?? null}
              name={l.label}
              stroke={colours[i % colours.length]}
              strokeDasharray={l.key.endsWith(':desired') ? '5 3' : undefined}
              dot={false}
              isAnimationActive={false}
              connectNulls
            />
          ))}
          {drag && drag.start !== drag.end && (
            <ReferenceArea
              yAxisId="left"
              x1={Math.min(drag.start, drag.end)}
              x2={Math.max(drag.start, drag.end)}
              fill="#38bdf8"
              fillOpacity={0.15}
            />
          )}
        </LineChart>
      </ResponsiveContainer>
    </div>
  );
}

/** One mark per moment above the charts, aligned with their plot areas; its title says what happened, a click replays it. */
function MarkerStrip({
  markers,
  domain,
  onPick,
}: {
  markers: TrendMarker[];
  domain: [number, number];
  onPick: (atMs: number) => void;
}) {
  const span = Math.max(1, domain[1] - domain[0]);
  return (
    <div className="relative h-4" style={{ marginLeft: axisWidth, marginRight: axisWidth }}>
      {markers.map((m, i) => {
        const pct = ((Date.parse(m.at) / 1000 - domain[0]) / span) * 100;
        return (
          <button
            key={`${m.at}-${i}`}
            type="button"
            data-testid="trends-marker"
            data-kind={m.kind}
            data-at={m.at}
            title={`${m.at.slice(11, 19)} UTC: ${m.message}`}
            aria-label={`${m.at.slice(11, 19)} UTC: ${m.message}`}
            className="absolute top-0 h-4 w-2 -translate-x-1/2 rounded-sm"
            style={{ left: `${Math.min(100, Math.max(0, pct))}%`, background: markerColour[m.source] }}
            onClick={() => onPick(Date.parse(m.at))}
          />
        );
      })}
    </div>
  );
}

function CustomRange({ onApply }: { onApply: (fromMs: number, toMs: number) => void }) {
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const parse = (v: string) => Date.parse(`${v.length === 16 ? `${v}:00` : v}Z`);
  return (
    <form
      className="flex flex-wrap items-center gap-2 text-xs"
      onSubmit={(e) => {
        e.preventDefault();
        const f = parse(from);
        const t = parse(to);
        if (Number.isFinite(f) && Number.isFinite(t)) onApply(f, t);
      }}
    >
      <label className="flex items-center gap-1">
        from (UTC)
        <input
          type="datetime-local"
          required
          value={from}
          onChange={(e) => setFrom(e.target.value)}
          className="rounded border border-edge bg-panel px-1"
          data-testid="trends-custom-from"
        />
      </label>
      <label className="flex items-center gap-1">
        to (UTC)
        <input
          type="datetime-local"
          required
          value={to}
          onChange={(e) => setTo(e.target.value)}
          className="rounded border border-edge bg-panel px-1"
          data-testid="trends-custom-to"
        />
      </label>
      <button
        type="submit"
        className="rounded border border-edge px-2 py-0.5 hover:bg-edge"
        data-testid="trends-custom-apply"
      >
        Show
      </button>
    </form>
  );
}

/**
 * Memoised: the live page renders again on every snapshot (about one a second), and the charts,
 * whose data changes only when their query refetches, took most of each of those renders.
 */
export const TrendsPanel = memo(function TrendsPanel({ at }: { at: string | null }) {
  const params = useSearchParams();
  const router = useRouter();
  const pathname = usePathname();
  const selection = selectionOf(new URLSearchParams(params.toString()), at);
  const [customOpen, setCustomOpen] = useState(false);
  const [drag, setDrag] = useState<Drag | null>(null);
  const query = useQuery({
    queryKey: ['trends', selection.apiQuery],
    queryFn: () => getJson<TrendsView>(`/api/trends?${selection.apiQuery}`),
    refetchInterval: selection.live ? 15_000 : false,
    placeholderData: (previous) => previous,
  });
  const data = query.data;
  const go = (next: URLSearchParams) => {
    router.push(`${pathname}?${next}`, { scroll: false });
  };
  const current = () => new URLSearchParams(params.toString());
  const domain: [number, number] = data ? [Date.parse(data.from) / 1000, Date.parse(data.to) / 1000] : [0, 1];
  const replayAt = (atMs: number) => data && go(withMoment(current(), atMs, data));

  // The drag as the handlers see it (recharts calls them between renders); the state draws it.
  const dragging = useRef<Drag | null>(null);
  const track = (next: Drag | null) => {
    dragging.current = next;
    setDrag(next);
  };
  // recharts names the moment under the pointer: the time of the nearest point (its tooltip's).
  const label = (s: { activeLabel?: string | number }) => {
    const t = s.activeLabel === undefined || s.activeLabel === '' ? NaN : Number(s.activeLabel);
    return Number.isFinite(t) ? t : null;
  };
  const handlers = {
    onMouseDown: ((s) => {
      const t = label(s);
      if (t !== null) track({ start: t, end: t });
    }) as CategoricalChartFunc,
    onMouseMove: ((s) => {
      const t = label(s);
      if (dragging.current && t !== null && t !== dragging.current.end) track({ ...dragging.current, end: t });
    }) as CategoricalChartFunc,
    onMouseUp: ((s) => {
      const d = dragging.current;
      if (!d) return;
      const end = label(s) ?? d.end;
      track(null);
      // A drag zooms to what it covered; a click (no movement) replays the moment under it.
      if (d.start === end) replayAt(end * 1000);
      else go(withWindow(current(), d.start * 1000, end * 1000));
    }) as CategoricalChartFunc,
  };

  const slo = data?.endToEnd?.sloMs ?? null;
  const levels =
    slo === null
      ? []
      : [
          { y: slo, label: `SLO ${slo} ms`, colour: '#ef5a5a', dashed: false, position: 'insideTopLeft' as const },
          { y: slo * 0.95, label: '95%', colour: '#f59e0b', dashed: true, position: 'insideTopRight' as const },
          { y: slo * 0.8, label: '80%', colour: '#a3a3a3', dashed: true, position: 'insideBottomRight' as const },
        ];
  const markers = data?.markers ?? [];
  const replayT = at ? Date.parse(at) / 1000 : null;
  const common = { domain, markers, replayT, drag, handlers };
  const queue = data?.queue;

  return (
    <section
      className="rounded-lg border border-edge bg-panel"
      data-testid="trends-panel"
      data-range={selection.range}
      // 'updating' while the previous range's charts stand in for the one just picked.
      data-state={query.isError ? 'error' : !data ? 'loading' : query.isPlaceholderData ? 'updating' : 'ready'}
      aria-busy={query.isPlaceholderData || undefined}
    >
      <header className="flex flex-wrap items-center justify-between gap-2 border-b border-edge px-4 py-2">
        <h2 className="text-sm font-semibold uppercase tracking-wide text-muted">
          Trends
          {data && (
            <span className="ml-2 font-mono text-xs normal-case tracking-normal">
              {data.from.replace('T', ' ').slice(0, 19)} – {data.to.slice(11, 19)} UTC
            </span>
          )}
        </h2>
        <div className="flex items-center gap-1 text-xs" role="group" aria-label="time range">
          {presets.map((r) => (
            <button
              key={r}
              type="button"
              data-testid={`trends-range-${r}`}
              aria-pressed={selection.range === r}
              className={`rounded border px-2 py-0.5 ${selection.range === r ? 'border-sky-600 bg-sky-900/60' : 'border-edge hover:bg-edge'}`}
              onClick={() => {
                setCustomOpen(false);
                go(withRange(current(), r));
              }}
            >
              {presetLabel[r]}
            </button>
          ))}
          <button
            type="button"
            data-testid="trends-range-custom"
            aria-pressed={selection.range === 'custom'}
            className={`rounded border px-2 py-0.5 ${selection.range === 'custom' ? 'border-sky-600 bg-sky-900/60' : 'border-edge hover:bg-edge'}`}
            onClick={() => setCustomOpen((o) => !o)}
          >
            custom
          </button>
        </div>
      </header>
      <div className="space-y-2 p-4">
        {customOpen && (
          <CustomRange
            onApply={(f, t) => {
              setCustomOpen(false);
              go(withWindow(current(), f, t));
            }}
          />
        )}
        {query.isError && (
          <p className="text-xs text-warn" data-testid="trends-error">
            Trends unavailable: {(query.error as Error).message}
          </p>
        )}
        {data && data.storedSnapshots === 0 && (
          <p className="text-xs text-muted">No snapshot was stored in this range.</p>
        )}
        {data && (
          <>
            <MarkerStrip markers={markers} domain={domain} onPick={replayAt} />
            <div className="grid gap-3">
              <TrendChart
                testId="trends-latency-chart"
                title={`${data.latency[0]?.label ?? 'end-to-end'} latency (ms), against the SLO`}
                lines={data.latency}
                levels={levels}
                {...common}
              />
              <TrendChart
                testId="trends-depth-chart"
                title={
                  queue
                    ? `${queue.label}${queue.basis === 'bottleneck' ? ' (the bottleneck)' : ' (most loaded)'}: ready messages; arrival and drain per s (right)`
                    : 'No queue to chart'
                }
                lines={data.depth}
                rightKeys={['publish', 'deliver']}
                {...common}
              />
              <TrendChart
                testId="trends-workers-chart"
                title="Workers and consumers"
                lines={data.workers}
                {...common}
              />
            </div>
            <p className="text-xs text-muted">
              {data.storedSnapshots} snapshots, one point per {data.bucketSec} s at most. Drag across a chart to zoom;
              click a moment (or a marker) to replay it.
              {data.markersTruncated && ' More moments happened than are marked (the newest are shown).'}
            </p>
          </>
        )}
      </div>
    </section>
  );
});
