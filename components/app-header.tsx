import { appHealth } from '@/lib/app-health';

export function AppHeader() {
  const health = appHealth();
  return (
    <header className="flex flex-wrap items-baseline justify-between gap-4" data-testid="app-header">
      <div>
        <h1 className="text-2xl font-semibold tracking-tight">
          warroom <span className="text-muted">/</span>{' '}
          <span data-testid="pipeline-name">{health.pipeline ?? 'no pipeline configured'}</span>
        </h1>
        <p className="text-sm text-muted">Where is the latency piling up, and what fixes it.</p>
      </div>
      <p className="flex items-center gap-2 text-sm" data-testid="app-alive">
        <span className="inline-block h-2 w-2 rounded-full bg-ok" aria-hidden />
        <span>
          server up since <time dateTime={health.startedAt}>{health.startedAt.slice(11, 19)} UTC</time>
        </span>
      </p>
    </header>
  );
}
