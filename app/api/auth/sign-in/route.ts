import { z } from 'zod';
import { isSameOrigin } from '@/lib/auth/authenticate';
import { verifyPassword } from '@/lib/auth/password';
import { createSessionValue, sessionCookie, sessionMaxAgeSec } from '@/lib/auth/session';
import { errorResponse } from '@/lib/actions/guard';
import { currentConfig } from '@/lib/config';

export const dynamic = 'force-dynamic';

const Credentials = z.object({ name: z.string().min(1).max(64), password: z.string().min(1).max(1024) });

/** Checks a name and password against the configured hashes and sets the signed session cookie. */
export async function POST(request: Request) {
  const state = currentConfig();
  if (state.status !== 'loaded' || !state.config.auth)
    return errorResponse(503, 'not_configured', 'no users are configured');
  if (!isSameOrigin(request.headers, request.url)) return errorResponse(403, 'forbidden', 'cross-site request refused');
  const parsed = Credentials.safeParse(await request.json().catch(() => null));
  if (!parsed.success) return errorResponse(400, 'invalid', 'name and password are required');
  const user = state.config.auth.users.find((u) => u.name === parsed.data.name);
  // Same work whether or not the user exists, so timing does not reveal names.
  const stored = user?.passwordHash ?? 'scrypt$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA';
  const valid = (await verifyPassword(parsed.data.password, stored)) && Boolean(user?.passwordHash);
  if (!user || !valid) return errorResponse(401, 'unauthenticated', 'wrong name or password');
  const secure = new URL(request.url).protocol === 'https:';
  const cookie = [
    `${sessionCookie}=${createSessionValue(user.name, user.role, state.config.auth.sessionSecret)}`,
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
}
