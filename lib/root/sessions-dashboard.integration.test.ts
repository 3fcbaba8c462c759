import { describe, expect, it } from 'vitest';
import { dashboardUrl, stackLayout } from '../../scripts/stack';
import { postAs, signIn } from '../../scripts/testing/dashboard-client';

/**
 * Revocable sessions on the running test dashboard (the production build; it must include this
 * change). The test configuration opens anonymous reads, so a revoked cookie still reads, as a
 * stranger; what tells a live session from a dead one is a write: opening an incident with an
 * empty body is a 400 for an operator (the body is wrong) and a 401 for a stranger, and changes
 * nothing either way. The last test signs everyone out of this dashboard: files run one at a time
 * and each signs in for itself, so no other test holds a session across it.
 */
const layout = stackLayout('test');
const base = () => dashboardUrl(layout);

/** 400: the session holds (an operator with a bad body); 401: it does not. */
const writeStatus = async (cookie: string) => (await postAs(layout, cookie, '/api/incidents', {})).status;

describe('sessions on the dashboard', () => {
  it('signing out ends the session for every copy of the cookie; another session of the same user holds', async () => {
    const cookie = await signIn(layout, 'operator');
    const otherTab = await signIn(layout, 'operator');
    expect(await writeStatus(cookie)).toBe(400);
    const res = await postAs(layout, cookie, '/api/auth/sign-out', undefined);
    expect(res.status).toBe(200);
    expect(res.headers.get('set-cookie')).toMatch(/^warroom_session=; .*Max-Age=0/);
    expect(await writeStatus(cookie)).toBe(401);
    expect(await writeStatus(otherTab)).toBe(400);
  });

  it('refuses a cross-site sign-out: the session holds', async () => {
    const cookie = await signIn(layout, 'operator');
    const crossSite: Array<Record<string, string>> = [
      { origin: 'http://evil.example' },
      { 'sec-fetch-site': 'cross-site' },
    ];
    for (const headers of crossSite) {
      const res = await fetch(`${base()}/api/auth/sign-out`, { method: 'POST', headers: { cookie, ...headers } });
      expect(res.status, JSON.stringify(headers)).toBe(403);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe('forbidden');
    }
    expect(await writeStatus(cookie)).toBe(400);
  });

  it('closes the event stream of a session when it signs out', async () => {
    const cookie = await signIn(layout, 'operator');
    const res = await fetch(`${base()}/api/stream?snapshots=0`, { headers: { cookie } });
    expect(res.status).toBe(200);
    const reader = res.body!.getReader();
    expect(new TextDecoder().decode((await reader.read()).value)).toContain(': connected');
    expect((await postAs(layout, cookie, '/api/auth/sign-out', undefined)).status).toBe(200);
    const ended = await Promise.race([
      (async () => {
        for (;;) if ((await reader.read()).done) return true;
      })(),
      // At once on the replica that signed it out; within a keep-alive (15 s) on any other.
      new Promise<false>((r) => setTimeout(() => r(false), 20_000)),
    ]);
    expect(ended).toBe(true);
  });

  it('caps the open streams of one client with a 429', async () => {
    const cookie = await signIn(layout, 'viewer');
    const open: Response[] = [];
    try {
      for (let i = 0; i < 8; i++) {
        const res = await fetch(`${base()}/api/stream?snapshots=0`, { headers: { cookie } });
        expect(res.status).toBe(200);
        open.push(res);
      }
      const ninth = await fetch(`${base()}/api/stream?snapshots=0`, { headers: { cookie } });
      expect(ninth.status).toBe(429);
      expect(Number(ninth.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(((await ninth.json()) as { error: { code: string } }).error.code).toBe('rate_limited');
    } finally {
      for (const res of open) await res.body!.cancel();
    }
  });

  it('an admin signs everyone out, themselves included; a viewer or operator may not', async () => {
    const [admin, operator] = [await signIn(layout, 'admin'), await signIn(layout, 'operator')];
    const refused = await postAs(layout, operator, '/api/auth/sign-out-everyone', { reason: 'not my call' });
    expect(refused.status).toBe(403);
    const res = await postAs(layout, admin, '/api/auth/sign-out-everyone', { reason: 'test: everyone signs in again' });
    expect(res.status).toBe(200);
    expect(await writeStatus(operator)).toBe(401);
    expect(await writeStatus(admin)).toBe(401);
    expect(await writeStatus(await signIn(layout, 'operator'))).toBe(400);
  });
});
