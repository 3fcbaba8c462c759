import Link from 'next/link';
import type { ReactNode } from 'react';
import type { Viewer } from '@/lib/contracts/viewer';
import type { LiveView } from '@/lib/contracts/views';
import { LiveDashboard } from './live-dashboard';
import { Panel } from './panel';
import type { Snapshot } from '@/lib/contracts/snapshot';
import { nodeHeightOf } from './topology/layout';
import { layoutStages } from './topology/place';
import { staleSources } from './topology/format';

/** The first snapshot's graph laid out here, on the server, so the page arrives with it drawn. */
function firstLayoutOf(snapshot: Snapshot) {
  return layoutStages(
    snapshot.stages.map((s) => ({
      id: s.id,
      kind: s.kind,
      consumesFrom: s.consumesFrom,
      after: s.after,
      height: nodeHeightOf(s, staleSources(s, snapshot)),
    })),
    'LR',
  );
}

/**
 * Server side of the live view: the first snapshot comes with the page, the rest over SSE. A
 * replayed moment (`view.kind === 'replay'`) is the stored snapshot, not live. `basePath` is where
 * "back to live" leads (the incident page passes its own), `timeline` replaces the default
 * timeline panel.
 *
 * No Suspense boundary of its own: the dashboard hydrates in the same pass as the page around it.
 * A boundary here hydrated later, after the incident page's queries had mounted and could refetch,
 * so the timeline inside it hydrated with newer data than the server rendered (React error 418).
 */
export async function LivePanel({
  view,
  viewer,
  basePath = '/',
  timeline,
}: {
  view: LiveView | Promise<LiveView>;
  viewer: Viewer | null;
  basePath?: string;
  timeline?: ReactNode;
}) {
  const live = await view;
  switch (live.kind) {
    case 'unavailable':
      return (
        <Panel title="Topology" testId="topology-unavailable">
          <p className="text-sm text-warn">{live.message}</p>
        </Panel>
      );
    case 'replay-error':
      return (
        <Panel title="Replay" testId="replay-error">
          <p className="text-sm text-warn">
            Cannot show that moment: {live.message}.{' '}
            <Link href={basePath} className="underline">
              Back to live
            </Link>
          </p>
        </Panel>
      );
    case 'replay':
      return (
        <LiveDashboard
          initial={live.snapshot}
          firstLayout={firstLayoutOf(live.snapshot)}
          viewer={viewer}
          replay={live.snapshot.replay}
          liveHref={basePath}
          timeline={timeline}
        />
      );
    case 'live':
      return (
        <LiveDashboard
          initial={live.snapshot}
          firstLayout={firstLayoutOf(live.snapshot)}
          viewer={viewer}
          liveHref={basePath}
          timeline={timeline}
        />
      );
  }
}
