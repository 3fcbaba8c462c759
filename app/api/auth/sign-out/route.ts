import { sessionOf } from '@/lib/auth/authenticate';
import { sessionCookieHeader } from '@/lib/auth/session';
import { SignOutQuery, type SignOutResult } from '@/lib/contracts/sessions';
import { errorResponse, route } from '@/lib/root/gate';
import { sessionsOf } from '@/lib/root/sessions';

export const dynamic = 'force-dynamic';

/**
 * Ends the session the cookie carries on every replica (stored, so a copied cookie is refused
 * too) and clears the cookie; `?everywhere=1` ends every session of its user. Same-origin only,
 * like every write: the gate refuses a cross-site request before this runs, so no other site can
 * sign anyone out. When the store does not take the revocation the answer is a 503 and the cookie
 * stays, so that the person knows and can try again (while the store is down the session is
 * refused anyway: fail closed).
 */
export const POST = route(
  { name: 'signing out', access: 'app', query: SignOutQuery },
  async ({ app, query, request }) => {
    const secure = new URL(request.url).protocol === 'https:';
    const done = (ended: SignOutResult['ended']) =>
      Response.json({ ok: true, ended } satisfies SignOutResult, {
        headers: { 'set-cookie': sessionCookieHeader(null, secure), 'cache-control': 'no-store' },
      });
    const session = sessionOf(request.headers, app.config);
    if (!session) return done('none');
    const sessions = sessionsOf(app);
    try {
      if (query.everywhere !== '1') {
        await sessions.revoke(session);
        return done('session');
      }
      // Only a session that still holds may end its user's other sessions (not a stale copy).
      const verdict = await sessions.check(session);
      if (verdict === 'unavailable') throw new Error('the revocations could not be read');
      const user = app.config.auth.users.find((u) => u.name === session.name);
      if (verdict === 'revoked' || !user) return done('none');
      await sessions.cutOff({
        userName: user.name,
        actor: user.name,
        actorRole: user.role,
        reason: 'signed out everywhere',
      });
      return done('user');
    } catch (err) {
      console.error(`signing out: ${(err as Error).message}`);
      return errorResponse('store_unavailable', 'not signed out: the store is unavailable; try again', {
        'retry-after': '2',
      });
    }
  },
);
