import Link from 'next/link';
import 'server-only';
import type { ReactNode } from 'react';
import { getPoller } from '@/lib/poller';
import { viewerOf } from '@/lib/auth/current-user';
import { replayAt } from '@/lib/history/replay';
import { readAccess } from '@/lib/auth/read-access';
import { headers } from 'next/headers';
import { redirect } from 'next/navigation';
import { LiveDashboard } from './live-dashboard';
import { Panel } from './panel';

/**
 * Server side of the live view: the first snapshot comes with the page, the rest over SSE. With
 * `at`, the stored snapshot of that moment instead, not live. `basePath` is where "back to live"
 * leads (the incident page passes its own), `timeline` replaces the default timeline panel.
 *
 * No Suspense boundary of its own: the dashboard hydrates in the same pass as the page around it.
 * A boundary here hydrated later, after the incident page's queries had mounted and could refetch,
 * so the timeline inside it hydrated with newer data than the server rendered (React error 418).
 */
export async function LivePanel({
  at,
  basePath = '/',
  timeline,
}: {
  at?: string;
  basePath?: string;
  timeline?: ReactNode;
}) {
  // The page serves the same data as /api/topology, so it asks for the same access.
  if (!readAccess(await headers()).allowed)
    redirect(`/sign-in?next=${encodeURIComponent(at ? `${basePath}?at=${at}` : basePath)}`);
  const { poller, error } = getPoller();
  const viewer = await viewerOf();
  if (!poller) {
    return (
      <Panel title="Topology" testId="topology-unavailable">
        <p className="text-sm text-warn">{error}</p>
      </Panel>
    );
  }
  if (at !== undefined) {
    const replay = await replayAt(poller.config.pipeline.name, at);
    if (!replay.ok) {
      return (
        <Panel title="Replay" testId="replay-error">
          <p className="text-sm text-warn">
            Cannot show that moment: {replay.message}.{' '}
            <Link href={basePath} className="underline">
              Back to live
            </Link>
          </p>
        </Panel>
      );
    }
    return (
      <LiveDashboard
        initial={replay.snapshot}
        viewer={viewer}
        replay={replay.snapshot.replay}
        liveHref={basePath}
        timeline={timeline}
      />
    );
  }
  return <LiveDashboard initial={poller.snapshot()} viewer={viewer} liveHref={basePath} timeline={timeline} />;
}
