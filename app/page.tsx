import { Suspense } from 'react';
import { AppHeader } from '@/components/app-header';
import { LivePanel } from '@/components/live-panel';
import { SourcesPanel } from '@/components/sources-panel';
import { PanelSkeleton } from '@/components/panel';

// The page reflects the live poller and the configuration file at request time.
export const dynamic = 'force-dynamic';

export default async function HomePage({ searchParams }: { searchParams: Promise<{ at?: string | string[] }> }) {
  const { at } = await searchParams;
  return (
    <main className="mx-auto max-w-7xl space-y-4 p-6">
      <AppHeader />
      <Suspense fallback={<PanelSkeleton title="Topology" />}>
        <LivePanel at={Array.isArray(at) ? at[0] : at} />
      </Suspense>
      <Suspense fallback={<PanelSkeleton title="Sources" />}>
        <SourcesPanel />
      </Suspense>
    </main>
  );
}
