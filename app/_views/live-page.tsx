import { Suspense } from 'react';
import { AppHeader } from '@/components/app-header';
import { LivePanel } from '@/components/live-panel';
import { PipelineScope } from '@/components/live/pipeline-scope';
import { PipelinesOverview } from '@/components/pipelines-overview';
import { SourcesPanel } from '@/components/sources-panel';
import { PanelSkeleton } from '@/components/panel';
import { readablePage } from '@/lib/root/pages';
import { liveView, pipelinesView, sourcesView } from '@/lib/root/views';
import { pipelinePath } from '@/lib/contracts/pipelines';

/**
 * The live war room of one pipeline (`/`, or `/p/<name>` with several), or at `at` a replayed
 * moment. With several pipelines and none named, the overview of all of them.
 */
export async function LivePage({ pipeline, at }: { pipeline?: string; at?: string }) {
  const base = pipeline === undefined ? '' : pipelinePath(pipeline);
  const page = await readablePage(at ? `${base || '/'}?at=${at}` : base || '/', pipeline);
  const overview = page.app && pipeline === undefined && at === undefined && page.app.pipelines.length > 1;
  const basePath = page.scope?.basePath ?? '';
  return (
    <main className="mx-auto max-w-[96rem] space-y-4 p-3 sm:p-6">
      <AppHeader {...page} scope={overview ? null : page.scope} />
      {overview ? (
        <PipelinesOverview initial={pipelinesView(page.app!)} />
      ) : (
        <PipelineScope name={page.scope?.name ?? null} basePath={basePath}>
          <Suspense fallback={<PanelSkeleton title="Topology" />}>
            <LivePanel
              view={liveView(page.app, page.problem, at, page.audience)}
              viewer={page.viewer}
              basePath={basePath || '/'}
            />
          </Suspense>
          {page.app && <SourcesPanel view={sourcesView(page.app, page.audience)} />}
        </PipelineScope>
      )}
    </main>
  );
}
