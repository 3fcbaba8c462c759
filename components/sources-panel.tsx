import type { SourcesView } from '@/lib/contracts/views';
import { Panel } from './panel';

const sourceLabels = { rabbitmq: 'RabbitMQ', prometheus: 'Prometheus', nomad: 'Nomad' } as const;

/** Where each source is and whether credentials are set (never the credentials), or why there is no configuration. */
export function SourcesPanel({ view: state }: { view: SourcesView }) {
  if (state.status === 'missing') {
    return (
      <Panel title="Sources" testId="sources-panel">
        <p className="text-sm text-warn" data-testid="config-missing">
          No configuration: set WARROOM_CONFIG to a YAML file describing the pipeline and its sources (see README).
        </p>
      </Panel>
    );
  }
  if (state.status === 'invalid') {
    return (
      <Panel title="Sources" testId="sources-panel">
        <p className="text-sm text-crit" data-testid="config-invalid">
          The configuration could not be loaded: {state.error}
        </p>
      </Panel>
    );
  }
  const { sources } = state;
  return (
    <Panel
      title="Configured sources"
      testId="sources-panel"
      aside={<span className="text-xs text-muted">{state.file}</span>}
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
                <div className="mt-1 break-all font-mono text-xs text-ink" data-testid={`source-${s.kind}-url`}>
                  {s.url}
                </div>
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
