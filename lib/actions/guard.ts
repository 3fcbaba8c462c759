import 'server-only';
import type { z } from 'zod';
import { authenticate, hasRole, isSameOrigin, type User } from '../auth/authenticate';
import { currentConfig } from '../config';
import type { Role, WarroomConfig } from '../config/schema';
import { statusFor, type ActionResult } from './result';

/**
 * The one guard every action and protected route goes through: configuration present, caller
 * authenticated (401), same-origin for cookie-authenticated writes (403), role (403), JSON body
 * valid against the action's schema (400). The handler then returns a typed result, mapped to a
 * status here; errors are `{ error: { code, message } }`.
 */
export interface GuardContext {
  user: User;
  config: WarroomConfig;
}

export function errorResponse(status: number, code: string, message: string): Response {
  return Response.json({ error: { code, message } }, { status, headers: { 'cache-control': 'no-store' } });
}

export function guarded<S extends z.ZodType, T>(
  options: { action: string; role: Role; input?: S },
  handler: (ctx: GuardContext, input: z.infer<S>, request: Request) => Promise<ActionResult<T>>,
): (request: Request) => Promise<Response> {
  return async (request) => {
    const state = currentConfig();
    if (state.status !== 'loaded')
      return errorResponse(
        503,
        'not_configured',
        state.status === 'missing' ? 'warroom has no configuration' : state.error,
      );
    const config = state.config;
    if (!config.auth)
      return errorResponse(503, 'not_configured', 'no users are configured (auth in the configuration file)');
    const user = authenticate(request.headers, config);
    // Anonymous read access lets people watch; anything more needs a real sign-in.
    if (!user || (user.via === 'anonymous' && options.role !== 'viewer'))
      return errorResponse(401, 'unauthenticated', 'sign in first');
    const writes = request.method !== 'GET' && request.method !== 'HEAD';
    if (writes && user.via !== 'token' && !isSameOrigin(request.headers, request.url)) {
      return errorResponse(403, 'forbidden', 'cross-site request refused');
    }
    if (!hasRole(user, options.role))
      return errorResponse(
        403,
        'forbidden',
        `${options.action} needs the ${options.role} role; ${user.name} is a ${user.role}`,
      );
    let input: unknown = undefined;
    if (options.input) {
      let body: unknown;
      try {
        body = await request.json();
      } catch {
        return errorResponse(400, 'invalid', 'the body must be JSON');
      }
      const parsed = options.input.safeParse(body);
      if (!parsed.success) {
        return errorResponse(
          400,
          'invalid',
          parsed.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; '),
        );
      }
      input = parsed.data;
    }
    try {
      const result = await handler({ user, config }, input as z.infer<S>, request);
      if (!result.ok) return errorResponse(statusFor[result.error.code], result.error.code, result.error.message);
      return Response.json(result.value, { headers: { 'cache-control': 'no-store' } });
    } catch (err) {
      console.error(`${options.action}: ${(err as Error).stack ?? err}`);
      return errorResponse(502, 'upstream', `${options.action} failed: ${(err as Error).message}`);
    }
  };
}
