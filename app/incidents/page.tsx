import { headers } from 'next/headers';
import { redirect } from 'next/navigation';
import { AppHeader } from '@/components/app-header';
import { IncidentList } from '@/components/incidents/incident-list';
import { Panel } from '@/components/panel';
import { readAccess } from '@/lib/auth/read-access';
import { viewerOf } from '@/lib/auth/current-user';
import { getPoller } from '@/lib/poller';
import { getDb } from '@/lib/store';
import { incidents } from '@/lib/store/incidents';

export const dynamic = 'force-dynamic';

export default async function IncidentsPage() {
  if (!readAccess(await headers()).allowed) redirect('/sign-in?next=%2Fincidents');
  const { poller, error } = getPoller();
  return (
    <main className="mx-auto max-w-7xl space-y-4 p-6">
      <AppHeader />
      {poller ? (
        <IncidentList initial={await incidents(await getDb()).list(poller.config.pipeline.name)} viewer={await viewerOf()} />
      ) : (
        <Panel title="Incidents">
          <p className="text-sm text-warn">{error}</p>
        </Panel>
      )}
    </main>
  );
}
