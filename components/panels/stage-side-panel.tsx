'use client';

import { useQuery } from '@tanstack/react-query';
import { CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { Snapshot } from '@/lib/contracts/snapshot';
import type { StageSeries, SeriesLine } from '@/lib/contracts/series';
import { count, ms, rate } from '../topology/format';
import { ScaleButton } from '@/components/actions/scale-button';
import type { Viewer } from '@/lib/contracts/viewer';
import { getJson } from '../live/api-client';
import { formatGiB } from '@/lib/format/numbers';

const colours = ['#7cc4fa', '#e0a526', '#ef5a5a', '#3fb27f'];

const fetchSeries = (stageId: string, at: string | undefined) =>
  getJson<StageSeries>(`/api/series?stage=${encodeURIComponent(stageId)}${at ? `&at=${encodeURIComponent(at)}` : ''}`);

function Chart({ title, lines }: { title: string; lines: SeriesLine[] }) {
  const times = [...new Set(lines.flatMap((l) => l.points.map((p) => p.t)))].sort((a, b) => a - b);
  const rows = times.map((t) => {
    const row: Record<string, number | null> = { t };
    for (const l of lines) row[l.key] = l.points.find((p) => p.t === t)?.value ?? null;
    return row;
  });
  return (
    <div className="h-44">
      <p className="mb-1 text-xs text-muted">{title}</p>
      <ResponsiveContainer width="100%" height="90%">
        <LineChart data={rows} margin={{ top: 4, right: 8, bottom: 0, left: 0 }}>
          <CartesianGrid stroke="#1f2a37" />
          <XAxis
            dataKey="t"
            tickFormatter={(t: number) => new Date(t * 1000).toISOString().slice(11, 16)}
            stroke="#7d8a99"
            fontSize={10}
          />
          <YAxis stroke="#7d8a99" fontSize={10} width={48} />
          <Tooltip
            labelFormatter={(t) => new Date(Number(t) * 1000).toISOString().slice(11, 19)}
            contentStyle={{ background: '#121821', border: '1px solid #1f2a37' }}
          />
          <Legend wrapperStyle={{ fontSize: 10 }} />
          {lines.map((l, i) => (
            <Line
              key={l.key}
              dataKey={l.key}
              name={l.label}
              stroke={colours[i % colours.length]}
              dot={false}
              isAnimationActive={false}
              connectNulls
            />
          ))}
        </LineChart>
      </ResponsiveContainer>
    </div>
  );
}

type StageGpu = NonNullable<Snapshot['stages'][number]['gpu']>;

/** Utilisation, memory per GPU ("5.1 / 24 GiB") and per worker, and the packing room, or that memory is not measured. */
function GpuRows({ gpu }: { gpu: StageGpu }) {
  const m = gpu.memory;
  return (
    <>
      <dt className="text-muted">GPU utilisation</dt>
      <dd className="font-mono">{Math.round(gpu.utilPct)}%</dd>
      <dt className="text-muted">GPU memory</dt>
      <dd className="font-mono" data-testid="gpu-memory">
        {m
          ? `${formatGiB(m.usedMiB / m.gpus)} / ${formatGiB(m.totalMiB / m.gpus)} GiB${m.gpus > 1 ? ` per GPU (${m.gpus} GPUs)` : ''}`
          : 'not measured'}
      </dd>
      {m?.perWorkerMiB != null && (
        <>
          <dt className="text-muted">GPU memory per worker</dt>
          <dd className="font-mono">{formatGiB(m.perWorkerMiB)} GiB</dd>
        </>
      )}
      {gpu.room && (
        <>
          <dt className="text-muted">packing room</dt>
          <dd data-testid="gpu-room">{gpu.room.summary}</dd>
        </>
      )}
    </>
  );
}

/**
 * The selected stage: its numbers now, and the last 15 minutes from Prometheus (refreshed live);
 * on a replayed moment (`at`), its numbers then and the 15 minutes up to it.
 */
export function StageSidePanel({
  snapshot,
  stageId,
  onClose,
  viewer,
  at,
}: {
  snapshot: Snapshot;
  stageId: string;
  onClose: () => void;
  viewer: Viewer | null;
  at?: string;
}) {
  const stage = snapshot.stages.find((s) => s.id === stageId);
  const series = useQuery({
    queryKey: ['series', stageId, at ?? 'live'],
    queryFn: () => fetchSeries(stageId, at),
    refetchInterval: at ? false : 15_000,
  });
  if (!stage) return <p className="text-sm text-warn">No stage &quot;{stageId}&quot; in this pipeline.</p>;
  const byUnit = (unit: SeriesLine['unit']) => series.data?.lines.filter((l) => l.unit === unit) ?? [];
  const span = at ? `15 min up to ${at.slice(11, 19)} UTC` : 'last 15 min';
  return (
    <aside
      className="space-y-3 rounded-lg border border-edge bg-panel p-4"
      data-testid="stage-side-panel"
      data-stage={stage.id}
    >
      <div className="flex items-center justify-between">
        <h2 className="font-semibold">{stage.label}</h2>
        <button className="text-xs text-muted hover:text-ink" onClick={onClose} data-testid="close-side-panel">
          close
        </button>
      </div>
      <dl className="grid max-w-xl grid-cols-2 gap-x-3 gap-y-1 text-xs">
        <dt className="text-muted">time here at p{Math.round(snapshot.endToEnd.quantile * 100)}</dt>
        <dd className="font-mono">
          {ms(stage.contributionMs)} ({Math.round(stage.share * 100)}%)
        </dd>
        {stage.queue && (
          <>
            <dt className="text-muted">ready / unacked</dt>
            <dd className="font-mono">
              {count(stage.queue.ready)} / {count(stage.queue.unacked)}
            </dd>
            <dt className="text-muted">growth</dt>
            <dd className="font-mono">{rate(stage.queue.growthPerSec)}</dd>
          </>
        )}
        {stage.gpu && <GpuRows gpu={stage.gpu} />}
        {stage.workers && (
          <>
            <dt className="text-muted">Nomad</dt>
            <dd className="font-mono">
              {stage.workers.job}/{stage.workers.group}
            </dd>
          </>
        )}
      </dl>
      {stage.workers && !at && (
        <div>
          <ScaleButton
            job={stage.workers.job}
            group={stage.workers.group}
            suggested={stage.workers.desired}
            viewer={viewer}
            label={`Scale ${stage.workers.group}…`}
          />
        </div>
      )}
      {series.isError && <p className="text-xs text-warn">Charts unavailable: {(series.error as Error).message}</p>}
      {series.data?.error && (
        <p className="text-xs text-warn" data-testid="series-stale">
          Charts may be stale: {series.data.error}
        </p>
      )}
      {series.data && series.data.lines.length === 0 && !series.data.error && (
        <p className="text-xs text-muted">No series yet (first refresh within 15 s).</p>
      )}
      <div className="grid gap-4 md:grid-cols-2 xl:grid-cols-3">
        {byUnit('ms').length > 0 && <Chart title={`latency (ms), ${span}`} lines={byUnit('ms')} />}
        {byUnit('messages').length + byUnit('count').length > 0 && (
          <Chart title={`queue, ${span}`} lines={[...byUnit('messages'), ...byUnit('count')]} />
        )}
        {byUnit('pct').length > 0 && <Chart title={`GPU (%), ${span}`} lines={byUnit('pct')} />}
      </div>
    </aside>
  );
}
