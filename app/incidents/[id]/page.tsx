import { headers } from 'next/headers';
import { notFound, redirect } from 'next/navigation';
import { AppHeader } from '@/components/app-header';
import { IncidentHeader } from '@/components/incidents/incident-header';
import { IncidentScrubber } from '@/components/incidents/scrubber';
import { IncidentTimeline } from '@/components/incidents/incident-timeline';
import { IncidentData } from '@/components/incidents/incident-data';
import { LivePanel } from '@/components/live-panel';
import { Panel } from '@/components/panel';
import { readAccess } from '@/lib/auth/read-access';
import { viewerOf } from '@/lib/auth/current-user';
import { isClosed } from '@/lib/incidents/model';
import { parseAt } from '@/lib/history/parse-at';
import { loadIncident, parseIncidentId, type IncidentDetail } from '@/lib/incidents/service';
import { getPoller } from '@/lib/poller';
import { getDb } from '@/lib/store';

export const dynamic = 'force-dynamic';

/**
 * One incident: its facts and controls, a scrubber through its window, the topology live (while
 * it is open) or as it was at `?at=` (a closed one opens at its worst moment), and its timeline.
 */
export default async function IncidentPage({
  params,
  searchParams,
}: {
  params: Promise<{ id: string }>;
  searchParams: Promise<{ at?: string | string[] }>;
}) {
  const { id: raw } = await params;
  const { at: rawAt } = await searchParams;
  const at = Array.isArray(rawAt) ? rawAt[0] : rawAt;
  if (!readAccess(await headers()).allowed)
    redirect(`/sign-in?next=${encodeURIComponent(`/incidents/${raw}${at ? `?at=${at}` : ''}`)}`);
  const { poller, error } = getPoller();
  if (!poller) {
    return (
      <main className="mx-auto max-w-7xl space-y-4 p-6">
        <AppHeader />
        <Panel title="Incident">
          <p className="text-sm text-warn">{error}</p>
        </Panel>
      </main>
    );
  }
  const id = parseIncidentId(raw);
  let detail: IncidentDetail | null = null;
  try {
    detail = id === null ? null : await loadIncident(await getDb(), poller.config.pipeline.name, id);
  } catch (err) {
    return (
      <main className="mx-auto max-w-7xl space-y-4 p-6">
        <AppHeader />
        <Panel title="Incident" testId="incident-unavailable">
          <p className="text-sm text-warn">
            Incident unavailable: the store did not answer ({(err as Error).message}). Reload to try again.
          </p>
        </Panel>
      </main>
    );
  }
  if (!detail) notFound();
  const viewer = await viewerOf();
  const moment =
    at ?? (isClosed(detail.incident.status) ? (detail.worst?.at ?? detail.incident.endedAt ?? undefined) : undefined);
  // The scrubber and the timeline get the moment as a normalised ISO time, or none when the link's
  // `at` is not a time (the topology panel then says why).
  const parsed = moment === undefined ? null : parseAt(moment);
  const momentIso = parsed?.ok ? parsed.at.toISOString() : null;
  return (
    <main className="mx-auto max-w-7xl space-y-4 p-6">
      <AppHeader />
      <IncidentData initial={detail} live={moment === undefined}>
        <IncidentHeader id={detail.incident.id} viewer={viewer} />
        <IncidentScrubber id={detail.incident.id} at={momentIso} />
        <LivePanel
          at={moment}
          basePath={`/incidents/${detail.incident.id}`}
          timeline={<IncidentTimeline id={detail.incident.id} viewer={viewer} at={momentIso} />}
        />
      </IncidentData>
    </main>
  );
}
