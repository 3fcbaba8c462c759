import { z } from 'zod';
import { verifyPassword } from '@/lib/auth/password';
import { createSessionValue, sessionCookie, sessionMaxAgeSec } from '@/lib/auth/session';
import { errorResponse, route } from '@/lib/root/gate';

export const dynamic = 'force-dynamic';

const Credentials = z.object({ name: z.string().min(1).max(64), password: z.string().min(1).max(1024) });

/** A hash of nothing anyone can type: the same work whether or not the name exists. */
const absentHash = 'scrypt$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA';

/** Checks a name and password against the configured hashes and sets the signed session cookie. */
export const POST = route(
  { name: 'signing in', access: 'app', body: Credentials, maxBodyBytes: 4096 },
  async ({ app, body, request }) => {
    const auth = app.config.auth;
    if (!auth) return errorResponse('not_configured', 'no users are configured');
    const user = auth.users.find((u) => u.name === body.name);
    const valid =
      (await verifyPassword(body.password, user?.passwordHash ?? absentHash)) && Boolean(user?.passwordHash);
    if (!user || !valid) return errorResponse('unauthenticated', 'wrong name or password');
    const secure = new URL(request.url).protocol === 'https:';
    const cookie = [
      `${sessionCookie}=${createSessionValue(user.name, user.role, auth.sessionSecret)}`,
      'Path=/',
      'HttpOnly',
      'SameSite=Strict',
      `Max-Age=${sessionMaxAgeSec}`,
      secure ? 'Secure' : '',
    ]
      .filter(Boolean)
      .join('; ');
    return Response.json(
      { name: user.name, role: user.role },
      { headers: { 'set-cookie': cookie, 'cache-control': 'no-store' } },
    );
  },
);
