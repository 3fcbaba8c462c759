import 'server-only';
import { z } from 'zod';
import { authenticateChecked, hasRole, isSameOrigin, type User } from '../auth/authenticate';
import type { Role } from '../contracts/viewer';
import { notConfiguredMessage, statusFor, type ErrorCode } from '../contracts/errors';
import type { ActionResult } from '../contracts/result';
import { serverEnv } from '../env';
import { getApp, type App } from './app';
import { audienceOfUser } from './audience';
import { sessionsOf } from './sessions';

/**
 * The one request gate. A route is a declaration: who may call it, the zod schemas of its path
 * params, query and body, and a handler that returns a result (or, for streams and files, a
 * Response). Everything else is here, once: the application (503 while it is not configured),
 * authentication (401), the read-access rule, same-origin for cookie-authenticated writes (403),
 * the role (403), the body's size (413) and shape (400), and the mapping of results and thrown
 * errors to a status and the one error body `{ error: { code, message } }`.
 *
 * Access:
 * - 'public': anyone, no application needed (health, metrics);
 * - 'app': anyone, with the application (sign-in, sign-out: they read the cookie themselves);
 * - 'read': a signed-in user, a token, or an anonymous viewer when `auth.anonymousRead` allows one
 *   (who sees the public view: no internal error messages);
 * - a role: a signed-in user or token with at least that role (anonymous viewers only where the
 *   role is 'viewer').
 */
export type Access = 'public' | 'app' | 'read' | Role;

export interface RouteSpec<P, Q, B> {
  /** What the route does, in words for error messages and logs ("reading the audit log"). */
  name: string;
  access: Access;
  params?: z.ZodType<P>;
  query?: z.ZodType<Q>;
  body?: z.ZodType<B>;
  /** Largest accepted body in bytes (default 64 KiB). */
  maxBodyBytes?: number;
  /** Checked against what the handler sends when WARROOM_CHECK_RESPONSES is set (the tests). */
  response?: z.ZodType;
}

export interface RouteContext<P, Q, B, A extends Access> {
  app: A extends 'public' ? App | null : App;
  user: User | null;
  params: P;
  query: Q;
  body: B;
  request: Request;
}

type Handled<T> = ActionResult<T> | Response;
type NextContext = { params: Promise<Record<string, string | string[] | undefined>> };

export const defaultMaxBodyBytes = 64 * 1024;

export function errorResponse(code: ErrorCode, message: string, headers: Record<string, string> = {}): Response {
  return Response.json(
    { error: { code, message } },
    { status: statusFor[code], headers: { 'cache-control': 'no-store', ...headers } },
  );
}

/** Each problem with the field it concerns (`where` when it is the whole value): "count: must be a whole number". */
const issues = (error: z.ZodError, where: string) =>
  error.issues.map((i) => `${i.path.join('.') || where}: ${i.message}`).join('; ');

/** The app, or the 503 that says why there is none. */
function appOrFailure(): { app: App; failure: null } | { app: null; failure: Response } {
  const state = getApp();
  if (state.status === 'ready') return { app: state.app, failure: null };
  return { app: null, failure: errorResponse('not_configured', notConfiguredMessage) };
}

/** Why a signed-in request is refused while the store that says which sessions ended does not answer. */
export const sessionUncheckedMessage =
  'your session could not be checked (the store is unavailable); try again shortly';

/**
 * Who is asking, and whether they may: the user (null for 'public' and 'app' routes, which do not
 * ask), or the response that refuses them. Fail closed: reads are open only to signed-in users,
 * tokens, and anonymous viewers where `auth.anonymousRead` says so; anonymous viewers never get
 * more than 'viewer'. A session is checked against its revocations (./sessions): a revoked one is
 * a stranger; one that cannot be checked is a 503 for reads and writes alike (`sessionUnchecked`).
 */
export async function checkAccess(
  app: App | null,
  access: Access,
  headers: Headers,
): Promise<{ user: User | null; refusal: Response | null; sessionUnchecked?: true }> {
  if (access === 'public' || access === 'app') return { user: null, refusal: null };
  if (!app) return { user: null, refusal: errorResponse('not_configured', notConfiguredMessage) };
  const user = await authenticateChecked(headers, app.config, sessionsOf(app).check);
  if (user === 'unavailable') {
    const refusal = errorResponse('store_unavailable', sessionUncheckedMessage, { 'retry-after': '2' });
    return { user: null, refusal, sessionUnchecked: true };
  }
  const needed: Role = access === 'read' ? 'viewer' : access;
  if (!user || (user.via === 'anonymous' && needed !== 'viewer')) {
    return { user: null, refusal: errorResponse('unauthenticated', 'sign in first') };
  }
  return { user, refusal: null };
}

/** Codes whose messages can describe the server's insides (stores, sources, configuration). */
const internalCodes = new Set<ErrorCode>(['unavailable', 'store_unavailable', 'not_configured', 'upstream']);

/**
 * Anonymous viewers get the public view: an internal failure is named, never described. Everyone
 * else gets the message with any secret taken out.
 */
function messageFor(code: ErrorCode, message: string, spec: { name: string }, user: User | null, app: App | null) {
  if (internalCodes.has(code) && audienceOfUser(user) === 'public') return `${spec.name} is unavailable right now`;
  return app ? app.redact(message) : message;
}

const writes = (request: Request) => request.method !== 'GET' && request.method !== 'HEAD';

async function readBody(
  request: Request,
  maxBytes: number,
): Promise<{ ok: true; value: unknown } | { ok: false; response: Response }> {
  const declared = Number(request.headers.get('content-length') ?? '0');
  const tooLarge = () => errorResponse('payload_too_large', `the body is larger than ${maxBytes} bytes`);
  if (declared > maxBytes) return { ok: false, response: tooLarge() };
  let text: string;
  try {
    text = await request.text();
  } catch {
    return { ok: false, response: errorResponse('invalid', 'the body could not be read') };
  }
  if (Buffer.byteLength(text) > maxBytes) return { ok: false, response: tooLarge() };
  if (text.includes('\u0000') || /\\u0000/i.test(text))
    return { ok: false, response: errorResponse('invalid', 'body: contains a NUL character') };
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false, response: errorResponse('invalid', 'the body must be JSON') };
  }
}

function toResponse<T>(
  handled: Handled<T>,
  spec: { name: string; response?: z.ZodType },
  user: User | null,
  app: App | null,
): Response {
  if (handled instanceof Response) return handled;
  if (!handled.ok) {
    const { code, message } = handled.error;
    return errorResponse(code, messageFor(code, message, spec, user, app));
  }
  if (spec.response && serverEnv().WARROOM_CHECK_RESPONSES) {
    const checked = spec.response.safeParse(handled.value);
    if (!checked.success)
      throw new Error(`${spec.name}: the response breaks its contract: ${issues(checked.error, 'response')}`);
  }
  return Response.json(handled.value, { headers: { 'cache-control': 'no-store' } });
}

export function route<P = undefined, Q = undefined, B = undefined, T = unknown, A extends Access = Access>(
  spec: RouteSpec<P, Q, B> & { access: A },
  handler: (ctx: RouteContext<P, Q, B, A>) => Promise<Handled<T>> | Handled<T>,
): (request: Request, context?: NextContext) => Promise<Response> {
  return async (request, context) => {
    let app: App | null = null;
    if (spec.access !== 'public') {
      const found = appOrFailure();
      if (!found.app) return found.failure;
      app = found.app;
    }
    const { user, refusal } = await checkAccess(app, spec.access, request.headers);
    if (refusal) return refusal;
    // Cookies ride along on cross-site requests; tokens do not, so only they may skip this.
    if (writes(request) && user?.via !== 'token' && !isSameOrigin(request.headers, request.url)) {
      return errorResponse('forbidden', 'cross-site request refused');
    }
    if (
      user &&
      spec.access !== 'read' &&
      spec.access !== 'public' &&
      spec.access !== 'app' &&
      !hasRole(user, spec.access)
    ) {
      return errorResponse('forbidden', `${spec.name} needs the ${spec.access} role; ${user.name} is a ${user.role}`);
    }
    // Several pipelines: `?pipeline=<name>` on any route picks the one it is about (the first without).
    const pipelineName = new URL(request.url).searchParams.get('pipeline');
    if (pipelineName !== null && app) {
      const scoped = app.forPipeline(pipelineName);
      if (!scoped)
        return errorResponse(
          'not_found',
          `no pipeline ${JSON.stringify(pipelineName.slice(0, 100))} in this configuration`,
        );
      app = scoped;
    }
    let params: unknown = undefined;
    if (spec.params) {
      const parsed = spec.params.safeParse((await context?.params) ?? {});
      // A path that names nothing is not found, whatever is wrong with it; the messages name the segment.
      if (!parsed.success) return errorResponse('not_found', parsed.error.issues.map((i) => i.message).join('; '));
      params = parsed.data;
    }
    let query: unknown = undefined;
    if (spec.query) {
      const raw = Object.fromEntries(new URL(request.url).searchParams);
      delete raw.pipeline; // chosen above
      // PostgreSQL text cannot hold a NUL character: refused here, named, instead of failing in the store.
      if (Object.values(raw).some((v) => v.includes('\u0000')))
        return errorResponse('invalid', 'query: a value contains a NUL character');
      const parsed = spec.query.safeParse(raw);
      if (!parsed.success) return errorResponse('invalid', issues(parsed.error, 'query'));
      query = parsed.data;
    }
    let body: unknown = undefined;
    if (spec.body) {
      const read = await readBody(request, spec.maxBodyBytes ?? defaultMaxBodyBytes);
      if (!read.ok) return read.response;
      const parsed = spec.body.safeParse(read.value);
      if (!parsed.success) return errorResponse('invalid', issues(parsed.error, 'body'));
      body = parsed.data;
    }
    try {
      const handled = await handler({ app, user, params, query, body, request } as RouteContext<P, Q, B, A>);
      return toResponse(handled, spec, user, app);
    } catch (err) {
      console.error(`${spec.name}: ${(err as Error).stack ?? String(err)}`);
      return errorResponse(
        'unavailable',
        messageFor('unavailable', `${spec.name} failed: ${(err as Error).message}`, spec, user, app),
      );
    }
  };
}
