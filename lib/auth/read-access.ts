import 'server-only';
import { currentConfig } from '../config';
import { authenticate, type User } from './authenticate';

/**
 * Read access for the live views and their APIs: anyone when no users are configured (a
 * single-user install), otherwise a signed-in user or token, or anonymous viewers when the
 * configuration allows them.
 */
export function readAccess(headers: Headers): { user: User | null; allowed: boolean } {
  const state = currentConfig();
  if (state.status !== 'loaded' || !state.config.auth) return { user: null, allowed: true };
  const user = authenticate(headers, state.config);
  return { user, allowed: user !== null };
}

export function unauthorized(): Response {
  return Response.json({ error: { code: 'unauthenticated', message: 'sign in first' } }, { status: 401 });
}
