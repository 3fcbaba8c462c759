import type { SourcesView } from '@/lib/contracts/views';
import { Panel } from './panel';

const sourceLabels = { rabbitmq: 'RabbitMQ', prometheus: 'Prometheus', nomad: 'Nomad' } as const;

/** Where each source is (for signed-in viewers) and whether credentials are set, never the credentials. */
export function SourcesPanel({ view: state }: { view: SourcesView }) {
  const { sources } = state;
  return (
    <Panel
      title="Configured sources"
      testId="sources-panel"
      aside={state.file && <span className="text-xs text-muted">{state.file}</span>}
    >
      <ul className="grid gap-3 sm:grid-cols-3">
        {sources.map((s) => (
          <li
            key={s.kind}
            className="rounded border border-edge p-3"
            data-testid={`source-${s.kind}`}
            data-configured={s.configured}
          >
            <div className="font-medium">{sourceLabels[s.kind]}</div>
            {s.configured ? (
              <>
                {s.url ? (
                  <div className="mt-1 break-all font-mono text-xs text-ink" data-testid={`source-${s.kind}-url`}>
                    {s.url}
                  </div>
                ) : (
                  <div className="mt-1 text-xs text-muted">sign in to see where</div>
                )}
                <div className="mt-1 text-xs text-muted">
                  {s.authenticated ? 'credentials set' : 'no credentials'}
                  {s.detail ? ` · ${s.detail}` : ''}
                </div>
              </>
            ) : (
              <div className="mt-1 text-xs text-warn">not configured</div>
            )}
          </li>
        ))}
      </ul>
    </Panel>
  );
}
