import { dashboardUrl, stackSecrets, type StackLayout } from '../stack';
import { demoUsers } from '../stack/dashboard';

/** Signs a demo user in against the running dashboard and returns the session cookie. */
export async function signIn(layout: StackLayout, role: keyof typeof demoUsers): Promise<string> {
  const base = dashboardUrl(layout);
  const res = await fetch(`${base}/api/auth/sign-in`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: base },
    body: JSON.stringify({ name: demoUsers[role], password: stackSecrets(layout).users[role] }),
  });
  if (!res.ok) throw new Error(`sign in as ${role}: ${res.status} ${await res.text()}`);
  const cookie = res.headers.get('set-cookie');
  if (!cookie) throw new Error('no session cookie');
  return cookie.split(';')[0]!;
}

/** A same-origin JSON request with a session cookie, as the dashboard's own pages send. */
export function sendAs(
  layout: StackLayout,
  cookie: string | null,
  method: 'POST' | 'PATCH',
  path: string,
  body: unknown,
  extraHeaders: Record<string, string> = {},
) {
  const base = dashboardUrl(layout);
  return fetch(`${base}${path}`, {
    method,
    headers: { 'content-type': 'application/json', origin: base, ...(cookie ? { cookie } : {}), ...extraHeaders },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

export const postAs = (
  layout: StackLayout,
  cookie: string | null,
  path: string,
  body: unknown,
  extraHeaders: Record<string, string> = {},
) => sendAs(layout, cookie, 'POST', path, body, extraHeaders);

/** Closes every incident still needing attention (as the admin), so a test starts with none. */
export async function closeActiveIncidents(layout: StackLayout, adminCookie?: string): Promise<void> {
  const admin = adminCookie ?? (await signIn(layout, 'admin'));
  const { incidents } = (await (
    await fetch(`${dashboardUrl(layout)}/api/incidents`, { headers: { cookie: admin } })
  ).json()) as { incidents: Array<{ id: number; status: string }> };
  for (const i of incidents.filter((x) => ['suggested', 'investigating', 'mitigated'].includes(x.status))) {
    const res = await sendAs(layout, admin, 'PATCH', `/api/incidents/${i.id}`, {
      status: i.status === 'suggested' ? 'dismissed' : 'resolved',
      reason: 'closed before a test',
    });
    if (!res.ok) throw new Error(`closing incident #${i.id}: ${res.status} ${await res.text()}`);
  }
}
