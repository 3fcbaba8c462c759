import Link from 'next/link';
import type { Health } from '@/lib/contracts/health';
import type { Viewer } from '@/lib/contracts/viewer';
import { SignOutButton } from './auth/sign-out-button';

/** The pipeline's name, the server's liveness and who is signed in (the page reads them through the request gate). */
export function AppHeader({
  health,
  viewer,
  authConfigured,
  scope = null,
}: {
  health: Health;
  viewer: Viewer | null;
  authConfigured: boolean;
  /** The pipeline the page is about, with several configured (its name and where its pages live). */
  scope?: { name: string; basePath: string; several: boolean } | null;
}) {
  const user = viewer;
  const base = scope?.basePath ?? '';
  return (
    <header className="flex flex-wrap items-baseline justify-between gap-4" data-testid="app-header">
      <div>
        <h1 className="text-2xl font-semibold tracking-tight">
          <Link href="/">warroom</Link> <span className="text-muted">/</span>{' '}
          {scope?.several ? (
            <Link href={base} data-testid="pipeline-name">
              {scope.name}
            </Link>
          ) : (
            <span data-testid="pipeline-name">{scope?.name ?? health.pipeline ?? 'no pipeline configured'}</span>
          )}
        </h1>
        <p className="text-sm text-muted">Where is the latency piling up, and what fixes it.</p>
      </div>
      <div className="flex flex-col items-end gap-1 text-sm">
        <p className="flex items-center gap-2" data-testid="app-alive">
          <span className="inline-block h-2 w-2 rounded-full bg-ok" aria-hidden />
          <span>
            server up since <time dateTime={health.startedAt}>{health.startedAt.slice(11, 19)} UTC</time>
          </span>
        </p>
        {authConfigured && (
          <p className="flex items-center gap-3 text-xs" data-testid="current-user" data-role={user?.role ?? ''}>
            {scope?.several && (
              <Link href="/" className="text-muted underline hover:text-ink" data-testid="all-pipelines-link">
                all pipelines
              </Link>
            )}
            <Link
              href={`${base}/incidents`}
              className="text-muted underline hover:text-ink"
              data-testid="incidents-link"
            >
              incidents
            </Link>
            <Link href="/audit" className="text-muted underline hover:text-ink">
              audit log
            </Link>
            {user && user.signedIn ? (
              <>
                <span>
                  {user.name} <span className="text-muted">({user.role})</span>
                </span>
                <SignOutButton />
              </>
            ) : (
              <Link href="/sign-in" className="underline" data-testid="sign-in-link">
                sign in
              </Link>
            )}
          </p>
        )}
      </div>
    </header>
  );
}
