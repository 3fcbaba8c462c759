import Link from 'next/link';
import 'server-only';
import { Suspense } from 'react';
import { getPoller } from '@/lib/poller';
import { currentUser } from '@/lib/auth/current-user';
import { replayAt } from '@/lib/history/replay';
import { readAccess } from '@/lib/auth/read-access';
import { headers } from 'next/headers';
import { redirect } from 'next/navigation';
import { LiveDashboard } from './live-dashboard';
import { Panel, PanelSkeleton } from './panel';
import { Providers } from './providers';

/** Server side of the live view: the first snapshot comes with the page, the rest over SSE. */
export async function LivePanel({ at }: { at?: string }) {
  // The page serves the same data as /api/topology, so it asks for the same access.
  if (!readAccess(await headers()).allowed) redirect(`/sign-in?next=${encodeURIComponent(at ? `/?at=${at}` : '/')}`);
  const { poller, error } = getPoller();
  const { user } = await currentUser();
  const viewer = user ? { name: user.name, role: user.role, signedIn: user.via !== 'anonymous' } : null;
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
            <Link href="/" className="underline">
              Back to live
            </Link>
          </p>
        </Panel>
      );
    }
    return (
      <Providers>
        <Suspense fallback={<PanelSkeleton title="Topology" />}>
          <LiveDashboard initial={replay.snapshot} viewer={viewer} replay={replay.snapshot.replay} />
        </Suspense>
      </Providers>
    );
  }
  return (
    <Providers>
      <Suspense fallback={<PanelSkeleton title="Topology" />}>
        <LiveDashboard initial={poller.snapshot()} viewer={viewer} />
      </Suspense>
    </Providers>
  );
}
