'use client';

import { useEffect, type ReactNode } from 'react';
import { usePathname, useRouter, useSearchParams } from 'next/navigation';
import type { Snapshot } from '@/lib/contracts/snapshot';
import type { Viewer } from '@/lib/contracts/viewer';
import { CopyMomentLink, ReplayBanner } from './panels/replay';
import { ActiveIncidentBar } from './incidents/active-incident-bar';
import { useSnapshot } from './live/use-snapshot';
import { useUiStore } from './live/ui-store';
import { BottleneckBanner } from './panels/bottleneck-banner';
import { InsightsList } from './panels/insights-list';
import { PanelBoundary } from './panels/panel-boundary';
import { SourceStatus } from './panels/source-status';
import dynamic from 'next/dynamic';
import { TopologyView } from './topology/topology-view';
import type { Layout } from './topology/layout';

// The charts (recharts) load only when a stage is selected, keeping them out of the first load.
const StageSidePanel = dynamic(() => import('./panels/stage-side-panel').then((m) => m.StageSidePanel), {
  ssr: false,
  loading: () => <div className="h-40 animate-pulse rounded-lg border border-edge bg-panel" />,
});

// Opened by a Scale button: loaded then.
const ScaleDialog = dynamic(() => import('@/components/actions/scale-dialog').then((m) => m.ScaleDialog), {
  ssr: false,
});

// Below the fold, after the page: the last hour's timeline and the queues outside the pipeline.
const TimelinePanel = dynamic(() => import('./panels/timeline-panel').then((m) => m.TimelinePanel), {
  ssr: false,
  loading: () => <div className="h-24 animate-pulse rounded-lg border border-edge bg-panel" />,
});
const UnmonitoredQueues = dynamic(() => import('./panels/unmonitored-queues').then((m) => m.UnmonitoredQueues), {
  ssr: false,
});

// The capacity form validates with the capacity contract's schema (zod): loaded after the page, so
// that zod stays out of the first load.
const CapacityPanel = dynamic(() => import('./panels/capacity-panel').then((m) => m.CapacityPanel), {
  ssr: false,
  loading: () => <div className="h-24 animate-pulse rounded-lg border border-edge bg-panel" />,
});

// The trends charts (recharts) are loaded after the page as well.
const TrendsPanel = dynamic(() => import('./panels/trends-panel').then((m) => m.TrendsPanel), {
  ssr: false,
  loading: () => <div className="h-96 animate-pulse rounded-lg border border-edge bg-panel" />,
});

/**
 * The live war room: one snapshot (SSE-fed) drives the banner, the topology, the side panel and
 * the unmonitored queues, each inside its own boundary. The selected stage lives in the URL.
 */
export function LiveDashboard({
  initial,
  viewer,
  replay,
  liveHref = '/',
  timeline,
  firstLayout = null,
}: {
  initial: Snapshot;
  /** The server's layout of `initial`, drawn until the interactive canvas has loaded. */
  firstLayout?: Layout | null;
  viewer: Viewer | null;
  replay?: { at: string; storedAt: string };
  liveHref?: string;
  timeline?: ReactNode;
}) {
  const { data: snapshot, stream, error } = useSnapshot(initial, { live: !replay });
  const selected = useUiStore((s) => s.selectedStageId);
  const select = useUiStore((s) => s.select);
  const scaleTarget = useUiStore((s) => s.scaleTarget);
  const openScale = useUiStore((s) => s.openScale);
  const params = useSearchParams();
  const router = useRouter();
  const pathname = usePathname();
  const fromUrl = params.get('stage');

  useEffect(() => {
    select(fromUrl);
  }, [fromUrl, select]);

  const choose = (id: string | null) => {
    select(id);
    const next = new URLSearchParams(params.toString());
    if (id) next.set('stage', id);
    else next.delete('stage');
    router.replace(`${pathname}${next.size ? `?${next}` : ''}`, { scroll: false });
  };

  if (!snapshot)
    return <p className="text-sm text-crit">No snapshot: {(error as Error | null)?.message ?? 'loading'}</p>;
  return (
    <div className="space-y-4">
      {replay && <ReplayBanner at={replay.at} storedAt={replay.storedAt} liveHref={liveHref} />}
      {!replay && !liveHref.includes('/incidents/') && <ActiveIncidentBar viewer={viewer} />}
      <CopyMomentLink at={replay ? replay.at : snapshot.generatedAt} />
      <SourceStatus snapshot={snapshot} stream={stream} />
      <PanelBoundary name="banner">
        <BottleneckBanner snapshot={snapshot} viewer={viewer} past={Boolean(replay)} />
        <div className="mt-2">
          <InsightsList snapshot={snapshot} />
        </div>
      </PanelBoundary>
      <div className="space-y-4">
        <PanelBoundary name="topology">
          <section className="rounded-lg border border-edge bg-panel">
            <TopologyView snapshot={snapshot} firstLayout={firstLayout} selectedStageId={selected} onSelect={choose} />
          </section>
        </PanelBoundary>
        {selected && (
          <PanelBoundary name="side panel">
            <StageSidePanel
              snapshot={snapshot}
              stageId={selected}
              onClose={() => choose(null)}
              viewer={viewer}
              at={replay?.at}
            />
          </PanelBoundary>
        )}
      </div>
      {!liveHref.includes('/incidents/') && (
        <PanelBoundary name="trends">
          <TrendsPanel at={replay?.at ?? null} />
        </PanelBoundary>
      )}
      {scaleTarget && !replay && (
        <ScaleDialog
          key={`${scaleTarget.job}/${scaleTarget.group}`}
          job={scaleTarget.job}
          group={scaleTarget.group}
          suggested={scaleTarget.suggested}
          onClose={() => openScale(null)}
        />
      )}
      <PanelBoundary name="timeline">{timeline ?? <TimelinePanel until={replay ? replay.at : null} />}</PanelBoundary>
      {!replay && (
        <PanelBoundary name="capacity">
          <CapacityPanel snapshot={snapshot} />
        </PanelBoundary>
      )}
      <PanelBoundary name="unmonitored queues">
        <UnmonitoredQueues snapshot={snapshot} />
      </PanelBoundary>
    </div>
  );
}
