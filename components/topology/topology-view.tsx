'use client';

import { lazy, Suspense, useSyncExternalStore } from 'react';
import type { Snapshot } from '@/lib/contracts/snapshot';
import type { Layout } from './layout';
import { StaticTopology } from './static-topology';

// React Flow and dagre (about 70 kB gzipped) load after the page, not with it: until they have,
// the server's layout is drawn by StaticTopology, so the graph is there from the first paint.
const TopologyCanvas = lazy(() => import('./topology-canvas').then((m) => ({ default: m.TopologyCanvas })));

const noSubscription = () => () => undefined;

/** The topology: the static first view from the server, then the interactive canvas. */
export function TopologyView({
  snapshot,
  firstLayout,
  selectedStageId,
  onSelect,
}: {
  snapshot: Snapshot;
  /** The server's layout of the first snapshot (left to right); without it, a placeholder. */
  firstLayout: Layout | null;
  selectedStageId: string | null;
  onSelect: (id: string | null) => void;
}) {
  // false on the server and while hydrating (both draw the static view), true after.
  const hydrated = useSyncExternalStore(
    noSubscription,
    () => true,
    () => false,
  );
  const first = firstLayout ? (
    <StaticTopology snapshot={snapshot} layout={firstLayout} selectedStageId={selectedStageId} onSelect={onSelect} />
  ) : (
    <div className="h-[320px] w-full animate-pulse" aria-busy="true" />
  );
  if (!hydrated) return first;
  return (
    <Suspense fallback={first}>
      <TopologyCanvas snapshot={snapshot} selectedStageId={selectedStageId} onSelect={onSelect} />
    </Suspense>
  );
}
