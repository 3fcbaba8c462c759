import 'server-only';
import { readAccess, unauthorized } from '../auth/read-access';
import { getPoller } from '.';
import type { Poller } from './poller';

/**
 * The common start of every live read route: read access for the caller (401), then the poller
 * (503 while there is no valid configuration).
 */
export function livePoller(
  request: Request,
): { poller: Poller; response: null } | { poller: null; response: Response } {
  if (!readAccess(request.headers).allowed) return { poller: null, response: unauthorized() };
  const { poller, error } = getPoller();
  if (!poller)
    return {
      poller: null,
      response: Response.json({ error: { code: 'not_configured', message: error } }, { status: 503 }),
    };
  return { poller, response: null };
}
