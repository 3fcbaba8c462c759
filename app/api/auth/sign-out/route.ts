import { sessionCookie } from '@/lib/auth/session';
import { route } from '@/lib/root/gate';

export const dynamic = 'force-dynamic';

/** Clears the session cookie (same-origin only, like every write). */
export const POST = route({ name: 'signing out', access: 'public' }, () =>
  Response.json(
    { ok: true },
    {
      headers: {
        'set-cookie': `${sessionCookie}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0`,
        'cache-control': 'no-store',
      },
    },
  ),
);
