import { z } from 'zod';
import { verifyPassword } from '@/lib/auth/password';
import { clientAddress } from '@/lib/auth/sign-in-limiter';
import { createSessionValue, sessionCookieHeader } from '@/lib/auth/session';
import { errorResponse, route } from '@/lib/root/gate';

export const dynamic = 'force-dynamic';

const Credentials = z.object({ name: z.string().min(1).max(64), password: z.string().min(1).max(1024) });

/** A hash of nothing anyone can type, at the current cost: the same work whether or not the name exists. */
const absentHash = 'scrypt$ln=16,r=8,p=1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA';

/**
 * Checks a name and password against the configured hashes and sets the signed session cookie (a
 * new session id, revocable by signing out). Failures are limited per name and address (429 with
 * Retry-After), and hashing waits its turn.
 */
export const POST = route(
  { name: 'signing in', access: 'app', body: Credentials, maxBodyBytes: 4096 },
  async ({ app, body, request }) => {
    const { auth } = app.config;
    const { limiter, slots } = app.signIns;
    const address = clientAddress(request.headers);
    const waitSec = limiter.retryAfterSec(body.name, address);
    if (waitSec !== null) {
      return errorResponse('rate_limited', `too many failed sign-ins; try again in ${waitSec} s`, {
        'retry-after': String(waitSec),
      });
    }
    const user = auth.users.find((u) => u.name === body.name);
    // Whose turn comes after a wait is checked again: failures counted meanwhile (a flood's) refuse
    // it without spending a hash.
    const verdict = await slots.run(
      async () =>
        limiter.retryAfterSec(body.name, address) ??
        (await verifyPassword(body.password, user?.passwordHash ?? absentHash)),
      { first: limiter.vouchedFor(body.name, address) },
    );
    if (verdict === null)
      return errorResponse('unavailable', 'too many sign-ins at once; try again', { 'retry-after': '1' });
    if (typeof verdict === 'number') {
      return errorResponse('rate_limited', `too many failed sign-ins; try again in ${verdict} s`, {
        'retry-after': String(verdict),
      });
    }
    const valid = verdict;
    if (!user?.passwordHash || !valid) {
      limiter.failed(body.name, address);
      return errorResponse('unauthenticated', 'wrong name or password');
    }
    limiter.succeeded(user.name, address);
    const secure = new URL(request.url).protocol === 'https:';
    // A new random session id each time: signing out ends this session only (see sign-out).
    const cookie = sessionCookieHeader(createSessionValue(user.name, user.role, auth.sessionSecret), secure);
    return Response.json(
      { name: user.name, role: user.role },
      { headers: { 'set-cookie': cookie, 'cache-control': 'no-store' } },
    );
  },
);
