import { Suspense } from 'react';
import { AppHeader } from '@/components/app-header';
import { SourcesPanel } from '@/components/sources-panel';
import { PanelSkeleton } from '@/components/panel';

// The page reflects the configuration file at request time, not at build time.
export const dynamic = 'force-dynamic';

export default function HomePage() {
  return (
    <main className="mx-auto max-w-6xl space-y-6 p-6">
      <AppHeader />
      <Suspense fallback={<PanelSkeleton title="Sources" />}>
        <SourcesPanel />
      </Suspense>
    </main>
  );
}
