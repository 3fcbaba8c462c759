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
import type { Incident } from '@/lib/incidents/model';

export const dynamic = 'force-dynamic';

export default async function IncidentsPage() {
  if (!readAccess(await headers()).allowed) redirect('/sign-in?next=%2Fincidents');
  const { poller, error } = getPoller();
  let list: Incident[] | null = null;
  let problem = error;
  if (poller) {
    try {
      list = await incidents(await getDb()).list(poller.config.pipeline.name);
    } catch (err) {
      problem = `Incidents unavailable: the store did not answer (${(err as Error).message}). This page retries when reloaded.`;
    }
  }
  return (
    <main className="mx-auto max-w-7xl space-y-4 p-6">
      <AppHeader />
      {list ? (
        <IncidentList initial={list} viewer={await viewerOf()} />
      ) : (
        <Panel title="Incidents" testId="incidents-unavailable">
          <p className="text-sm text-warn">{problem}</p>
        </Panel>
      )}
    </main>
  );
}
