import 'server-only';
import { headers } from 'next/headers';
import { notFound, redirect } from 'next/navigation';
import { configProblem } from '../config/config-state';
import type { Health } from '../contracts/health';
import { rawEnv, serverEnv } from '../env';
import type { Viewer } from '../contracts/viewer';
import { getApp, type App } from './app';
import { notConfiguredMessage } from '../contracts/errors';
import { checkAccess, sessionUncheckedMessage } from './gate';
import { audienceOf, type Audience } from './audience';

/**
 * The pages' side of the request gate: the same read-access rule as the API (a page serves the
 * same data), with a redirect to the sign-in page instead of a 401, and what every page shows in
 * its header.
 */
const startedAtMs = Date.now();

export interface PageHeader {
  health: Health;
  viewer: Viewer | null;
  /** The configuration loaded: the header offers incidents, the audit log and signing in. */
  authConfigured: boolean;
  /** The pipeline the page shows and where its pages live ('' with a single pipeline); null without one. */
  scope: { name: string; basePath: string; several: boolean } | null;
}

export type PageContext = PageHeader & { audience: Audience } & (
    { app: App; problem: null } | { app: null; problem: string }
  );

/**
 * Liveness of the dashboard process itself, and whether its configuration loads now (the same
 * check the proxy makes before every request; the running app may hold an older, valid one).
 */
export function health(): Health {
  const state = getApp();
  const problem = configProblem(serverEnv().WARROOM_CONFIG, rawEnv());
  return {
    status: 'ok',
    startedAt: new Date(startedAtMs).toISOString(),
    uptimeSec: Math.round((Date.now() - startedAtMs) / 1000),
    config: problem ? problem.kind : state.status === 'ready' ? 'loaded' : state.status,
    pipeline: !problem && state.status === 'ready' ? state.app.pipeline : null,
    role: state.status === 'ready' ? state.app.replica.role : null,
  };
}

/**
 * For a page that shows the pipeline's data: redirects to sign-in (and back to `nextPath`) when
 * the caller may not read; otherwise the application (or why there is none) and the header.
 */
export async function readablePage(nextPath: string, pipeline?: string): Promise<PageContext> {
  const context = await publicPage();
  if (context.app && !context.viewer) redirect(`/sign-in?next=${encodeURIComponent(nextPath)}`);
  if (!context.app || pipeline === undefined) return context;
  // `/p/<name>/...`: the same page about another configured pipeline; a name it does not hold is a 404.
  const scoped = context.app.forPipeline(pipeline);
  if (!scoped) notFound();
  return { ...context, app: scoped, scope: scopeOf(scoped) };
}

function scopeOf(app: App): PageHeader['scope'] {
  return { name: app.pipeline, basePath: app.basePath, several: app.pipelines.length > 1 };
}

/** For a page anyone may open (sign-in): the header only. */
export async function publicPage(): Promise<PageContext> {
  const state = getApp();
  const app = state.status === 'ready' ? state.app : null;
  const access = app ? await checkAccess(app, 'read', await headers()) : { user: null, sessionUnchecked: false };
  const { user } = access;
  const viewer = user ? { name: user.name, role: user.role, signedIn: user.via !== 'anonymous' } : null;
  const header = {
    health: health(),
    viewer,
    authConfigured: Boolean(app),
    audience: audienceOf(viewer),
    scope: app ? scopeOf(app) : null,
  };
  // A session the store cannot vouch for shows no data and is not sent to sign in again (fail closed).
  if (access.sessionUnchecked) return { ...header, app: null, problem: sessionUncheckedMessage };
  // Why the configuration did not load is for the server log, not for whoever opens the page.
  return app ? { ...header, app, problem: null } : { ...header, app: null, problem: notConfiguredMessage };
}
