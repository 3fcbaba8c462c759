'use client';

import Link from 'next/link';
import { useQuery } from '@tanstack/react-query';
import type { Incident } from '@/lib/contracts/incident';
import { isActive, statusLabel } from '@/lib/contracts/incident-rules';
import type { Viewer } from '@/lib/contracts/viewer';
import { getJson } from '../live/api-client';
import { usePagePath } from '../live/pipeline-scope';

export const fetchIncidents = async () => (await getJson<{ incidents: Incident[] }>('/api/incidents')).incidents;

/**
 * On the live page: the incident that needs attention (or warroom's suggestion to open one), with
 * a link to its page, so that whoever opens the dashboard joins the incident in one click. Kept
 * fresh by the live page's own stream (useSnapshot).
 */
export function ActiveIncidentBar({ viewer }: { viewer: Viewer | null }) {
  const page = usePagePath();
  const { data } = useQuery({ queryKey: ['incidents'], queryFn: fetchIncidents, refetchInterval: 15_000 });
  const active = data?.find((i) => isActive(i.status));
  if (!data) return null;
  if (!active) {
    return (
      <p className="text-right text-xs text-muted" data-testid="no-active-incident">
        No open incident.{' '}
        <Link href={page('/incidents')} className="underline">
          {viewer?.signedIn && viewer.role !== 'viewer' ? 'Open one' : 'Incidents'}
        </Link>
      </p>
    );
  }
  const suggested = active.status === 'suggested';
  return (
    <section
      className={`flex flex-wrap items-center justify-between gap-2 rounded-lg border px-4 py-2 text-sm ${suggested ? 'border-warn bg-warn/10' : 'border-crit bg-crit/10'}`}
      data-testid="active-incident"
      data-status={active.status}
    >
      <span>
        {suggested
          ? 'warroom suggests an incident: '
          : `Incident #${active.id} (${statusLabel[active.status].toLowerCase()}, ${active.severity}): `}
        <strong>{active.title}</strong>
        <span className="text-muted">
          {' '}
          since {active.startedAt.slice(11, 19)} UTC{active.owner ? `, ${active.owner} in charge` : ''}
        </span>
      </span>
      <Link
        href={page(`/incidents/${active.id}`)}
        className="rounded border border-edge px-3 py-1 hover:bg-edge"
        data-testid="active-incident-link"
      >
        {suggested ? 'Review the suggestion' : 'Join the incident'}
      </Link>
    </section>
  );
}
