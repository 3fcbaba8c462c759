'use client';

import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import type { Incident } from '@/lib/contracts/incident';
import { severities, statusLabel, type Severity } from '@/lib/contracts/incident-rules';
import { formatSpan } from '@/lib/format/numbers';
import type { Viewer } from '@/lib/contracts/viewer';
import { sendJson } from '../live/api-client';
import { useNow } from '../live/use-now';
import { fetchIncidents } from './active-incident-bar';
import { denyReason, statusColour } from './incident-header';
import { useIncidentChanges } from './use-changes';
import { usePagePath } from '../live/pipeline-scope';

/** Every incident, newest first, kept live; operators open one here. */
export function IncidentList({ initial, viewer }: { initial: Incident[]; viewer: Viewer | null }) {
  const page = usePagePath();
  useIncidentChanges();
  const { data } = useQuery({
    queryKey: ['incidents'],
    queryFn: fetchIncidents,
    initialData: initial,
    refetchInterval: 15_000,
  });
  const now = useNow();
  return (
    <div className="space-y-4">
      <OpenIncidentForm viewer={viewer} />
      <section className="rounded-lg border border-edge bg-panel" data-testid="incident-list">
        <header className="border-b border-edge px-4 py-2">
          <h2 className="text-sm font-semibold uppercase tracking-wide text-muted">Incidents</h2>
        </header>
        {data.length === 0 && <p className="px-4 py-3 text-sm text-muted">No incident yet.</p>}
        {data.length > 0 && (
          <table className="w-full text-sm">
            <thead className="text-left text-xs text-muted">
              <tr>
                <th className="px-4 py-2">#</th>
                <th className="px-4 py-2">Title</th>
                <th className="px-4 py-2">Status</th>
                <th className="px-4 py-2">Severity</th>
                <th className="px-4 py-2">Started (UTC)</th>
                <th className="px-4 py-2">Duration</th>
                <th className="px-4 py-2">In charge</th>
              </tr>
            </thead>
            <tbody>
              {data.map((i) => (
                <tr key={i.id} className="border-t border-edge/60" data-testid="incident-row" data-status={i.status}>
                  <td className="px-4 py-2 font-mono">{i.id}</td>
                  <td className="px-4 py-2">
                    <Link href={page(`/incidents/${i.id}`)} className="underline">
                      {i.title}
                    </Link>
                  </td>
                  <td className="px-4 py-2">
                    <span className={`rounded border px-2 py-0.5 text-xs uppercase ${statusColour[i.status]}`}>
                      {statusLabel[i.status]}
                    </span>
                  </td>
                  <td className="px-4 py-2 uppercase">{i.severity}</td>
                  <td className="px-4 py-2 font-mono">{i.startedAt.replace('T', ' ').slice(0, 19)}</td>
                  <td className="px-4 py-2">
                    {i.endedAt
                      ? formatSpan(Date.parse(i.endedAt) - Date.parse(i.startedAt))
                      : now === null
                        ? ''
                        : `${formatSpan(now - Date.parse(i.startedAt))} so far`}
                  </td>
                  <td className="px-4 py-2">{i.owner ?? '-'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
    </div>
  );
}

function OpenIncidentForm({ viewer }: { viewer: Viewer | null }) {
  const page = usePagePath();
  const router = useRouter();
  const [title, setTitle] = useState('');
  const [severity, setSeverity] = useState<Severity>('sev2');
  const [note, setNote] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const denied = denyReason(viewer);
  return (
    <form
      className="flex flex-wrap items-end gap-2 rounded-lg border border-edge bg-panel p-4 text-sm"
      data-testid="open-incident-form"
      title={denied ?? undefined}
      onSubmit={async (e) => {
        e.preventDefault();
        setBusy(true);
        setError(null);
        const r = await sendJson<Incident>('POST', '/api/incidents', {
          title,
          severity,
          ...(note.trim() ? { note } : {}),
        });
        setBusy(false);
        if (!r.ok) return setError(r.message);
        router.push(page(`/incidents/${r.value.id}`));
      }}
    >
      <label className="flex min-w-[min(16rem,100%)] flex-1 flex-col gap-1">
        <span className="text-xs text-muted">Open an incident: title</span>
        <input
          className="rounded border border-edge bg-surface px-2 py-1"
          value={title}
          onChange={(e) => setTitle(e.target.value)}
          maxLength={200}
          disabled={denied !== null}
          data-testid="open-title"
        />
      </label>
      <label className="flex flex-col gap-1">
        <span className="text-xs text-muted">Severity</span>
        <select
          className="rounded border border-edge bg-panel px-2 py-1"
          value={severity}
          onChange={(e) => setSeverity(e.target.value as Severity)}
          disabled={denied !== null}
        >
          {severities.map((s) => (
            <option key={s}>{s}</option>
          ))}
        </select>
      </label>
      <label className="flex min-w-[min(16rem,100%)] flex-1 flex-col gap-1">
        <span className="text-xs text-muted">First note (optional)</span>
        <input
          className="rounded border border-edge bg-surface px-2 py-1"
          value={note}
          onChange={(e) => setNote(e.target.value)}
          maxLength={5000}
          disabled={denied !== null}
        />
      </label>
      <button
        type="submit"
        className="rounded bg-sky-700 px-3 py-1 font-semibold text-white disabled:opacity-50"
        disabled={denied !== null || busy || title.trim() === ''}
        data-testid="open-submit"
      >
        Open incident
      </button>
      {denied && <span className="w-full text-xs text-muted">{denied}</span>}
      {error && (
        <p className="w-full text-crit" role="alert">
          {error}
        </p>
      )}
    </form>
  );
}
