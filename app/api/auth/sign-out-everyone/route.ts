import { sessionCookieHeader } from '@/lib/auth/session';
import { actionFail } from '@/lib/contracts/result';
import { SignOutEveryoneInput, type SignOutEveryoneResult } from '@/lib/contracts/sessions';
import { route } from '@/lib/root/gate';
import { sessionsOf } from '@/lib/root/sessions';

export const dynamic = 'force-dynamic';

/**
 * Ends every session issued until now, the admin's own included: everyone signs in again (API
 * tokens are not sessions; remove them from the configuration to revoke them). Guarded like every
 * action: a signed-in admin, same origin, a reason. The cut-off's row (who, role, why, when) is its
 * audit trail, written in the same statement; audit_log's rows are scales of Nomad groups (job,
 * group, counts), which this is not.
 */
export const POST = route(
  { name: 'signing everyone out', access: 'admin', body: SignOutEveryoneInput },
  async ({ app, user, body, request }) => {
    const actor = user!;
    let notBefore: string;
    try {
      const cutoff = await sessionsOf(app).cutOff({
        userName: null,
        actor: actor.name,
        actorRole: actor.role,
        reason: body.reason,
      });
      notBefore = cutoff.notBefore;
    } catch (err) {
      return actionFail('store_unavailable', `sessions could not be ended: ${(err as Error).message}`);
    }
    console.info(`sessions: ${actor.name} (${actor.role}) signed everyone out: ${body.reason}`);
    const secure = new URL(request.url).protocol === 'https:';
    return Response.json({ notBefore, by: actor.name } satisfies SignOutEveryoneResult, {
      headers: {
        'cache-control': 'no-store',
        ...(actor.via === 'session' ? { 'set-cookie': sessionCookieHeader(null, secure) } : {}),
      },
    });
  },
);
