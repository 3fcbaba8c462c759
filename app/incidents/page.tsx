import { AppHeader } from '@/components/app-header';
import { IncidentList } from '@/components/incidents/incident-list';
import { Panel } from '@/components/panel';
import { readablePage } from '@/lib/root/pages';
import { incidentsView } from '@/lib/root/views';

export const dynamic = 'force-dynamic';

export default async function IncidentsPage() {
  const page = await readablePage('/incidents');
  const view = page.app ? await incidentsView(page.app, page.audience) : { ok: false as const, message: page.problem };
  return (
    <main className="mx-auto max-w-7xl space-y-4 p-6">
      <AppHeader {...page} />
      {view.ok ? (
        <IncidentList initial={view.incidents} viewer={page.viewer} />
      ) : (
        <Panel title="Incidents" testId="incidents-unavailable">
          <p className="text-sm text-warn">{view.message}</p>
        </Panel>
      )}
    </main>
  );
}
