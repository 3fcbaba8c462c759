import type { Snapshot, SourceName } from '@/lib/contracts/snapshot';

const labels: Record<SourceName, string> = { rabbitmq: 'RabbitMQ', prometheus: 'Prometheus', nomad: 'Nomad' };
const dot = { ok: 'bg-ok', stale: 'bg-warn', down: 'bg-crit' } as const;

/** Each source's health with its last good time, so stale numbers are never mistaken for live ones. */
export function SourceStatus({
  snapshot,
  stream,
}: {
  snapshot: Snapshot;
  stream: 'connecting' | 'live' | 'reconnecting' | 'replay';
}) {
  return (
    <div className="flex flex-wrap items-center gap-3 text-xs" data-testid="source-status">
      {(Object.keys(labels) as SourceName[]).map((name) => {
        const s = snapshot.sources[name];
        return (
          <span
            key={name}
            className="flex items-center gap-1 rounded border border-edge px-2 py-1"
            data-testid={`source-status-${name}`}
            data-status={s.status}
            title={s.error ?? ''}
          >
            <span className={`inline-block h-2 w-2 rounded-full ${dot[s.status]}`} aria-hidden />
            {labels[name]} <span className="text-muted">{s.status}</span>
            {s.status !== 'ok' && (
              <span className="text-muted">
                {s.lastOkAt ? ` · last good ${s.lastOkAt.slice(11, 19)}` : ''}
                {s.error ? ` · ${s.error}` : ''}
              </span>
            )}
          </span>
        );
      })}
      <span className="ml-auto text-muted" data-testid="stream-state" data-state={stream}>
        {stream === 'live'
          ? 'live'
          : stream === 'replay'
            ? 'replay'
            : stream === 'reconnecting'
              ? 'reconnecting…'
              : 'connecting…'}{' '}
        · {snapshot.generatedAt.slice(11, 19)} UTC
      </span>
    </div>
  );
}
