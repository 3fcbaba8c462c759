import { auditOutcomes as outcomes, type AuditFilter, type AuditOutcome } from '@/lib/contracts/audit';
import type { AuditView } from '@/lib/contracts/views';
import { Panel } from './panel';

const outcomeColour: Record<AuditOutcome, string> = {
  pending: 'text-warn',
  succeeded: 'text-ok',
  failed: 'text-crit',
  refused: 'text-warn',
};

/** Every action with who, when, what, why and how it ended; filtered by the query string. */
export async function AuditTable({ view, filter }: { view: Promise<AuditView>; filter: AuditFilter }) {
  const found = await view;
  if (!found.ok) {
    return (
      <Panel title="Audit log">
        <p className="text-sm text-crit">{found.message}</p>
      </Panel>
    );
  }
  const { rows } = found;
  const { outcome } = filter;
  return (
    <Panel title="Audit log" testId="audit-log">
      <form className="mb-3 flex flex-wrap gap-2 text-xs" method="get">
        {(['actor', 'job', 'group'] as const).map((k) => (
          <input
            key={k}
            name={k}
            defaultValue={filter[k] ?? ''}
            placeholder={k}
            className="rounded border border-edge bg-surface px-2 py-1"
          />
        ))}
        <select name="outcome" defaultValue={outcome ?? ''} className="rounded border border-edge bg-surface px-2 py-1">
          <option value="">any outcome</option>
          {outcomes.map((o) => (
            <option key={o}>{o}</option>
          ))}
        </select>
        <button className="rounded border border-edge px-2 py-1 hover:bg-edge">Filter</button>
      </form>
      {rows.length === 0 ? (
        <p className="text-sm text-muted">
          No actions recorded{filter.actor || filter.job || filter.group || outcome ? ' for this filter' : ' yet'}.
        </p>
      ) : (
        <table className="w-full text-left text-xs">
          <thead className="text-muted">
            <tr>
              <th className="py-1">#</th>
              <th>when (UTC)</th>
              <th>who</th>
              <th>target</th>
              <th>change</th>
              <th>reason</th>
              <th>outcome</th>
              <th>Nomad evaluation / error</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr
                key={r.id}
                className="border-t border-edge/60 align-top"
                data-testid="audit-row"
                data-outcome={r.outcome}
              >
                <td className="py-1 font-mono">{r.id}</td>
                <td className="font-mono">{r.createdAt.replace('T', ' ').slice(0, 19)}</td>
                <td data-testid="audit-actor">
                  {r.actor} <span className="text-muted">({r.actorRole})</span>
                </td>
                <td className="font-mono">
                  {r.job}/{r.group}
                </td>
                <td className="font-mono">
                  {r.from ?? '?'} → {r.to}
                  {r.cooldownOverride ? <span className="text-warn"> (cooldown overridden)</span> : null}
                </td>
                <td data-testid="audit-reason">{r.reason}</td>
                <td className={outcomeColour[r.outcome]}>{r.outcome}</td>
                <td className="font-mono">{r.evalId ? r.evalId.slice(0, 8) : (r.error ?? '')}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </Panel>
  );
}
