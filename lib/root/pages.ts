import 'server-only';
import { headers } from 'next/headers';
import { redirect } from 'next/navigation';
import type { Health } from '../contracts/health';
import type { Viewer } from '../contracts/viewer';
import { getApp, type App } from './app';
import { checkAccess } from './gate';

/**
 * The pages' side of the request gate: the same read-access rule as the API (a page serves the
 * same data), with a redirect to the sign-in page instead of a 401, and what every page shows in
 * its header.
 */
const startedAtMs = Date.now();

export interface PageHeader {
  health: Health;
  viewer: Viewer | null;
  /** Users are configured: the header offers incidents, the audit log and signing in. */
  authConfigured: boolean;
}

export type PageContext = PageHeader & ({ app: App; problem: null } | { app: null; problem: string });

/** Liveness of the dashboard process itself, and whether its configuration loads. */
export function health(): Health {
  const state = getApp();
  return {
    status: 'ok',
    startedAt: new Date(startedAtMs).toISOString(),
    uptimeSec: Math.round((Date.now() - startedAtMs) / 1000),
    config: state.status === 'ready' ? 'loaded' : state.status,
    pipeline: state.status === 'ready' ? state.app.pipeline : null,
  };
}

/**
 * For a page that shows the pipeline's data: redirects to sign-in (and back to `nextPath`) when
 * the caller may not read; otherwise the application (or why there is none) and the header.
 */
export async function readablePage(nextPath: string): Promise<PageContext> {
  const context = await publicPage();
  if (context.app?.config.auth && !context.viewer) redirect(`/sign-in?next=${encodeURIComponent(nextPath)}`);
  return context;
}

/** For a page anyone may open (sign-in): the header only. */
export async function publicPage(): Promise<PageContext> {
  const state = getApp();
  const app = state.status === 'ready' ? state.app : null;
  const { user } = app ? checkAccess(app, 'read', await headers()) : { user: null };
  const header: PageHeader = {
    health: health(),
    viewer: user ? { name: user.name, role: user.role, signedIn: user.via !== 'anonymous' } : null,
    authConfigured: Boolean(app?.config.auth),
  };
  return app
    ? { ...header, app, problem: null }
    : { ...header, app: null, problem: state.status === 'ready' ? '' : state.error };
}
