'use client';

import Link from 'next/link';
import { useState } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import type { Incident } from '@/lib/contracts/incident';
import { allowedMoves, severities, statusLabel, type IncidentStatus } from '@/lib/contracts/incident-rules';
import { formatSpan } from '@/lib/format/numbers';
import type { Viewer } from '@/lib/contracts/viewer';
import { apiUrl, sendJson } from '../live/api-client';
import { useNow } from '../live/use-now';
import { useIncident, type IncidentDetailJson } from './types';
import { usePagePath } from '../live/pipeline-scope';

const moveLabel: Record<IncidentStatus, string> = {
  suggested: 'Suggest',
  investigating: 'Investigate',
  mitigated: 'Mark mitigated',
  resolved: 'Resolve',
  dismissed: 'Dismiss',
};

export const statusColour: Record<IncidentStatus, string> = {
  suggested: 'border-warn text-warn',
  investigating: 'border-crit text-crit',
  mitigated: 'border-accent text-accent',
  resolved: 'border-ok text-ok',
  dismissed: 'border-edge text-muted',
};

export function denyReason(viewer: Viewer | null): string | null {
  if (!viewer || !viewer.signedIn) return 'sign in as an operator to change incidents';
  if (viewer.role === 'viewer') return `${viewer.name} is a viewer: changing incidents needs the operator role`;
  return null;
}

/**
 * The incident's facts and its controls: status moves (each with a required reason), taking
 * charge, severity, the postmortem export and the worst moment. Kept fresh by the shared query.
 */
export function IncidentHeader({ id, viewer }: { id: number; viewer: Viewer | null }) {
  const { data } = useIncident(id);
  return data ? <IncidentHeaderView data={data} viewer={viewer} /> : null;
}

function IncidentHeaderView({ data, viewer }: { data: IncidentDetailJson; viewer: Viewer | null }) {
  const page = usePagePath();
  const client = useQueryClient();
  const id = data.incident.id;
  const incident = data.incident;
  const [move, setMove] = useState<IncidentStatus | null>(null);
  const [reason, setReason] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const denied = denyReason(viewer);
  const now = useNow();

  const patch = async (body: Record<string, unknown>) => {
    setBusy(true);
    setError(null);
    const r = await sendJson<Incident>('PATCH', `/api/incidents/${id}`, body);
    setBusy(false);
    if (!r.ok) {
      setError(r.message);
      return false;
    }
    await client.invalidateQueries({ queryKey: ['incident', id] });
    return true;
  };

  const duration = incident.endedAt
    ? Date.parse(incident.endedAt) - Date.parse(incident.startedAt)
    : now === null
      ? null
      : now - Date.parse(incident.startedAt);
  return (
    <section
      className="space-y-3 rounded-lg border border-edge bg-panel p-4"
      data-testid="incident-header"
      data-status={incident.status}
    >
      <div className="flex flex-wrap items-start justify-between gap-3">
        <div>
          <p className="text-xs text-muted">
            <Link href={page('/incidents')} className="underline">
              Incidents
            </Link>{' '}
            / #{incident.id}
          </p>
          <h2 className="text-xl font-semibold" data-testid="incident-title">
            {incident.title}
          </h2>
          <p className="mt-1 flex flex-wrap items-center gap-2 text-sm">
            <span
              className={`rounded border px-2 py-0.5 text-xs font-semibold uppercase ${statusColour[incident.status]}`}
              data-testid="incident-status"
            >
              {statusLabel[incident.status]}
            </span>
            <span className="rounded border border-edge px-2 py-0.5 text-xs uppercase" data-testid="incident-severity">
              {incident.severity}
            </span>
            <span className="text-muted">
              started <time dateTime={incident.startedAt}>{incident.startedAt.replace('T', ' ').slice(0, 19)} UTC</time>
              {incident.endedAt ? `, ended ${incident.endedAt.slice(11, 19)} UTC` : ''}{' '}
              {duration !== null && `(${formatSpan(duration)}${incident.endedAt ? '' : ' so far'})`}
            </span>
            <span data-testid="incident-owner">
              {incident.owner ? `${incident.owner} in charge` : 'nobody in charge'}
            </span>
            <span className="text-muted">opened by {incident.openedBy}</span>
          </p>
        </div>
        <div className="flex flex-wrap items-center gap-2 text-sm">
          {data.worst && (
            <Link
              href={page(`/incidents/${id}?at=${encodeURIComponent(data.worst.at)}`)}
              className="rounded border border-edge px-2 py-1 hover:bg-edge"
              data-testid="worst-moment"
            >
              Worst moment {data.worst.at.slice(11, 19)}
            </Link>
          )}
          <a
            href={apiUrl(`/api/incidents/${id}/postmortem?download=1`)}
            className="rounded border border-edge px-2 py-1 hover:bg-edge"
            data-testid="export-postmortem"
          >
            Export postmortem (Markdown)
          </a>
        </div>
      </div>

      <div className="flex flex-wrap items-center gap-2 text-sm" title={denied ?? undefined}>
        {allowedMoves(incident.status).map((to) => (
          <button
            key={to}
            className="rounded border border-edge px-3 py-1 hover:bg-edge disabled:opacity-50"
            disabled={denied !== null || busy}
            data-testid={`move-${to}`}
            onClick={() => {
              setMove(to);
              setReason('');
              setError(null);
            }}
          >
            {incident.status === 'suggested' && to === 'investigating'
              ? 'Take it: investigate'
              : incident.status === 'resolved' && to === 'investigating'
                ? 'Reopen'
                : moveLabel[to]}
          </button>
        ))}
        {viewer?.signedIn && incident.owner !== viewer.name && (
          <button
            className="rounded border border-edge px-3 py-1 hover:bg-edge disabled:opacity-50"
            disabled={denied !== null || busy}
            data-testid="take-charge"
            onClick={() => void patch({ owner: viewer.name })}
          >
            Take charge
          </button>
        )}
        <label className="flex items-center gap-1 text-xs text-muted">
          severity
          <select
            className="rounded border border-edge bg-panel px-1 py-1 text-ink"
            value={incident.severity}
            disabled={denied !== null || busy}
            data-testid="severity-select"
            onChange={(e) => void patch({ severity: e.target.value })}
          >
            {severities.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
        </label>
        {denied && (
          <span className="text-xs text-muted" data-testid="incident-denied">
            {denied}
          </span>
        )}
      </div>

      {move && (
        <form
          className="flex flex-wrap items-end gap-2 rounded border border-edge p-3 text-sm"
          data-testid="move-form"
          onSubmit={async (e) => {
            e.preventDefault();
            if (await patch({ status: move, reason })) setMove(null);
          }}
        >
          <label className="flex min-w-[min(18rem,100%)] flex-1 flex-col gap-1">
            <span className="text-xs text-muted">
              {moveLabel[move]}: why? (kept on the timeline and in the postmortem)
            </span>
            <input
              className="rounded border border-edge bg-surface px-2 py-1"
              value={reason}
              onChange={(e) => setReason(e.target.value)}
              data-testid="move-reason"
              autoFocus
            />
          </label>
          <button
            type="submit"
            className="rounded bg-sky-700 px-3 py-1 font-semibold text-white disabled:opacity-50"
            disabled={busy || reason.trim().length < 3}
            data-testid="move-confirm"
          >
            {moveLabel[move]}
          </button>
          <button type="button" className="rounded border border-edge px-3 py-1" onClick={() => setMove(null)}>
            Cancel
          </button>
        </form>
      )}
      {error && (
        <p className="text-sm text-crit" role="alert" data-testid="incident-error">
          {error}
        </p>
      )}
    </section>
  );
}
