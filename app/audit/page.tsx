import { Suspense } from 'react';
import { AppHeader } from '@/components/app-header';
import { AuditTable } from '@/components/audit-table';
import { PanelSkeleton } from '@/components/panel';

export const dynamic = 'force-dynamic';

type Search = { actor?: string; job?: string; group?: string; outcome?: string };

export default async function AuditPage({ searchParams }: { searchParams: Promise<Search> }) {
  const filter = await searchParams;
  return (
    <main className="mx-auto max-w-7xl space-y-4 p-6">
      <AppHeader />
      <Suspense fallback={<PanelSkeleton title="Audit log" />}>
        <AuditTable filter={filter} />
      </Suspense>
    </main>
  );
}
