import { AppHeader } from '@/components/app-header';
import { IncidentList } from '@/components/incidents/incident-list';
import { PipelineScope } from '@/components/live/pipeline-scope';
import { Panel } from '@/components/panel';
import { readablePage } from '@/lib/root/pages';
import { incidentsView } from '@/lib/root/views';
import { pipelinePath } from '@/lib/contracts/pipelines';

/** A pipeline's incidents (`/incidents`, or `/p/<name>/incidents` with several). */
export async function IncidentsPage({ pipeline }: { pipeline?: string }) {
  const base = pipeline === undefined ? '' : pipelinePath(pipeline);
  const page = await readablePage(`${base}/incidents`, pipeline);
  const view = page.app ? await incidentsView(page.app, page.audience) : { ok: false as const, message: page.problem };
  return (
    <main className="mx-auto max-w-[96rem] space-y-4 p-3 sm:p-6">
      <AppHeader {...page} />
      <PipelineScope name={page.scope?.name ?? null} basePath={page.scope?.basePath ?? ''}>
        {view.ok ? (
          <IncidentList initial={view.incidents} viewer={page.viewer} />
        ) : (
          <Panel title="Incidents" testId="incidents-unavailable">
            <p className="text-sm text-warn">{view.message}</p>
          </Panel>
        )}
      </PipelineScope>
    </main>
  );
}
