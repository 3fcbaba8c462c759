import { sessionCookie } from '@/lib/auth/session';

export const dynamic = 'force-dynamic';

export function POST() {
  return Response.json(
    { ok: true },
    { headers: { 'set-cookie': `${sessionCookie}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0` } },
  );
}
