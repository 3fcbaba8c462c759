import { notFound } from 'next/navigation';
import { AppHeader } from '@/components/app-header';
import { IncidentHeader } from '@/components/incidents/incident-header';
import { IncidentScrubber } from '@/components/incidents/scrubber';
import { IncidentTimeline } from '@/components/incidents/incident-timeline';
import { IncidentData } from '@/components/incidents/incident-data';
import { LivePanel } from '@/components/live-panel';
import { PipelineScope } from '@/components/live/pipeline-scope';
import { Panel } from '@/components/panel';
import { IncidentIdParams, isClosed } from '@/lib/contracts/incident';
import { parseAt } from '@/lib/contracts/time';
import { readablePage } from '@/lib/root/pages';
import { incidentView, liveView } from '@/lib/root/views';
import { pipelinePath } from '@/lib/contracts/pipelines';
import { withTimelineWindow } from '@/lib/contracts/timeline-window';

/**
 * One incident: its facts and controls, a scrubber through its window, the topology live (while
 * it is open) or as it was at `?at=` (a closed one opens at its worst moment), and its timeline.
 */
export async function IncidentPage({ pipeline, id: raw, at }: { pipeline?: string; id: string; at?: string }) {
  const base = pipeline === undefined ? '' : pipelinePath(pipeline);
  const page = await readablePage(`${base}/incidents/${raw}${at ? `?at=${at}` : ''}`, pipeline);
  const basePath = page.scope?.basePath ?? '';
  const id = IncidentIdParams.safeParse({ id: raw });
  const view = page.app
    ? await incidentView(page.app, id.success ? id.data.id : null, page.audience)
    : { kind: 'unavailable' as const, message: page.problem };
  if (view.kind === 'not-found') notFound();
  if (view.kind === 'unavailable') {
    return (
      <main className="mx-auto max-w-[96rem] space-y-4 p-3 sm:p-6">
        <AppHeader {...page} />
        <Panel title="Incident" testId="incident-unavailable">
          <p className="text-sm text-warn">{view.message}</p>
        </Panel>
      </main>
    );
  }
  const { detail } = view;
  const moment =
    at ?? (isClosed(detail.incident.status) ? (detail.worst?.at ?? detail.incident.endedAt ?? undefined) : undefined);
  // The scrubber and the timeline get the moment as a normalised ISO time, or none when the link's
  // `at` is not a time (the topology panel then says why).
  const parsed = moment === undefined ? null : parseAt(moment);
  const momentIso = parsed?.ok ? parsed.at.toISOString() : null;
  return (
    <main className="mx-auto max-w-[96rem] space-y-4 p-3 sm:p-6">
      <AppHeader {...page} />
      <PipelineScope name={page.scope?.name ?? null} basePath={basePath}>
        {/* The timeline's first window only: the page paints sooner, and the rest follows. */}
        <IncidentData initial={withTimelineWindow(detail, momentIso)} live={moment === undefined}>
          <IncidentHeader id={detail.incident.id} viewer={page.viewer} />
          <IncidentScrubber id={detail.incident.id} at={momentIso} />
          <LivePanel
            view={liveView(page.app, page.problem, moment, page.audience)}
            viewer={page.viewer}
            basePath={`${basePath}/incidents/${detail.incident.id}`}
            timeline={<IncidentTimeline id={detail.incident.id} viewer={page.viewer} at={momentIso} />}
          />
        </IncidentData>
      </PipelineScope>
    </main>
  );
}
