import { Suspense } from 'react';
import { AppHeader } from '@/components/app-header';
import { LivePanel } from '@/components/live-panel';
import { SourcesPanel } from '@/components/sources-panel';
import { PanelSkeleton } from '@/components/panel';
import { readablePage } from '@/lib/root/pages';
import { liveView, sourcesView } from '@/lib/root/views';

// The page reflects the live poller and the configuration file at request time.
export const dynamic = 'force-dynamic';

export default async function HomePage({ searchParams }: { searchParams: Promise<{ at?: string | string[] }> }) {
  const { at: raw } = await searchParams;
  const at = Array.isArray(raw) ? raw[0] : raw;
  const page = await readablePage(at ? `/?at=${at}` : '/');
  return (
    <main className="mx-auto max-w-7xl space-y-4 p-6">
      <AppHeader {...page} />
      <Suspense fallback={<PanelSkeleton title="Topology" />}>
        <LivePanel view={liveView(page.app, page.problem, at, page.audience)} viewer={page.viewer} />
      </Suspense>
      {page.app && <SourcesPanel view={sourcesView(page.app, page.audience)} />}
    </main>
  );
}
