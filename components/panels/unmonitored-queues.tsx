import type { Snapshot } from '@/lib/contracts/snapshot';
import { count, rate } from '../topology/format';

/** The queues nobody configured: the source incident was one of these. */
export function UnmonitoredQueues({ snapshot }: { snapshot: Snapshot }) {
  const queues = snapshot.unmonitoredQueues;
  const alerts = queues.filter((q) => q.alert);
  return (
    <section className="rounded-lg border border-edge bg-panel" data-testid="unmonitored-queues">
      <header className="flex items-center justify-between border-b border-edge px-4 py-2">
        <h2 className="text-sm font-semibold uppercase tracking-wide text-muted">Queues not in the pipeline</h2>
        <span className="text-xs text-muted">
          {alerts.length > 0 ? <span className="text-warn">{alerts.length} need a look · </span> : null}
          {snapshot.unmonitoredTotal !== undefined ? `${count(snapshot.unmonitoredTotal)} queues on the broker` : ''}
        </span>
      </header>
      {queues.length === 0 ? (
        <p className="px-4 py-3 text-sm text-muted">
          {snapshot.unmonitoredTotal !== undefined
            ? 'Every queue on the broker is part of the pipeline.'
            : 'No sweep of the broker yet.'}
        </p>
      ) : (
        <div className="max-h-64 overflow-auto">
          <table className="w-full text-left text-xs">
            <thead className="sticky top-0 bg-panel text-muted">
              <tr>
                <th className="px-4 py-1">queue</th>
                <th className="px-2 py-1 text-right">ready</th>
                <th className="px-2 py-1 text-right">consumers</th>
                <th className="px-2 py-1 text-right">in → out</th>
                <th className="px-4 py-1">alert</th>
              </tr>
            </thead>
            <tbody>
              {queues.slice(0, 50).map((q) => (
                <tr
                  key={`${q.vhost}/${q.name}`}
                  className="border-t border-edge/60"
                  data-testid="unmonitored-queue"
                  data-alert={q.alert ?? ''}
                >
                  <td className="px-4 py-1 font-mono">
                    {q.vhost !== '/' ? `${q.vhost}/` : ''}
                    {q.name}
                  </td>
                  <td className="px-2 py-1 text-right font-mono">{count(q.ready)}</td>
                  <td className="px-2 py-1 text-right font-mono">{count(q.consumers)}</td>
                  <td className="px-2 py-1 text-right font-mono">
                    {rate(q.publishRatePerSec)} → {rate(q.deliverRatePerSec)}
                  </td>
                  <td className="px-4 py-1 text-warn">
                    {q.alert === 'no-consumers' ? 'no consumers' : q.alert === 'growing' ? 'growing' : ''}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
