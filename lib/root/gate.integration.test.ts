import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { dashboardUrl, stackLayout } from '../../scripts/stack';
import { signIn } from '../../scripts/testing/dashboard-client';
import { nomadFetch } from '../../scripts/testing/demo-client';

/**
 * The running dashboard (the production build the tests start) against bad input: each finding
 * that once answered 500 or leaked, then a property-based fuzz of every route and page. Answers
 * are the documented 2xx/3xx or 400/401/403/404/405/409/413/429 with the usual error body; never a
 * 5xx, and never a scale outside the configured bounds.
 */
const layout = stackLayout('test');
const base = () => dashboardUrl(layout);
const casesPerRoute = Number(process.env.WARROOM_FUZZ_RUNS ?? 200);

const allowed = new Set([200, 201, 204, 303, 307, 308, 400, 401, 403, 404, 405, 409, 413, 429]);

/** The reply consumers' count as Nomad has it. */
async function replyConsumers(): Promise<number | undefined> {
  const job = (await (await nomadFetch(layout, '/v1/job/api')).json()) as {
    TaskGroups: Array<{ Name: string; Count: number }>;
  };
  return job.TaskGroups.find((g) => g.Name === 'reply-consumer')?.Count;
}

let operator = '';
beforeAll(async () => {
  operator = await signIn(layout, 'operator');
});

async function send(path: string, init: RequestInit = {}): Promise<Response> {
  return fetch(`${base()}${path}`, { redirect: 'manual', ...init, signal: AbortSignal.timeout(20_000) });
}

/** A 4xx answer from the API carries `{ error: { code, message } }`. */
async function expectErrorBody(res: Response, where: string): Promise<void> {
  if (res.status < 400 || res.status === 405) return;
  const text = await res.text();
  let body: { error?: { code?: unknown; message?: unknown } } = {};
  try {
    body = JSON.parse(text) as typeof body;
  } catch {
    expect.fail(`${where.slice(0, 120)}: ${res.status} without the JSON error body: ${text.slice(0, 120)}`);
  }
  expect(typeof body.error?.code, where).toBe('string');
  expect(typeof body.error?.message, where).toBe('string');
}

describe('findings that once answered 500 or 200', () => {
  it('a malformed session cookie is a stranger (as if there were none), not a server error', async () => {
    for (const [method, path] of [
      ['GET', '/api/audit'],
      ['POST', '/api/actions/scale/preview'],
    ] as const) {
      const stranger = (await send(path, { method, headers: { origin: base() } })).status;
      expect(stranger).toBeLessThan(500);
      for (const cookie of ['warroom_session=%E0%A4%A', 'warroom_session=%', 'warroom_session=a.b.c', '=;;=']) {
        const res = await send(path, { method, headers: { cookie, origin: base() } });
        expect(res.status, `${path} ${cookie}`).toBe(stranger);
        await expectErrorBody(res, cookie);
      }
    }
  });

  it('an API path nobody declared is a 404 with the usual body, for any method', async () => {
    for (const method of ['GET', 'POST', 'DELETE']) {
      const res = await send('/api/no/such/thing', { method, headers: { origin: base() } });
      expect(res.status).toBe(404);
      await expectErrorBody(res, method);
    }
  });

  it('a time before 1970 is a 400 naming the problem', async () => {
    const res = await send(`/api/topology?at=${encodeURIComponent('0000-01-01T00:00Z')}`);
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { message: string } }).error.message).toContain('before 1970');
  });

  it('an unknown incident is a real 404, on the page and the API', async () => {
    for (const path of ['/incidents/no-such-incident', '/incidents/987654321', '/api/incidents/987654321']) {
      const res = await send(path, { headers: { cookie: operator } });
      expect(res.status, path).toBe(404);
    }
  });

  it('guessing passwords is slowed down: the sixth failure in a row is a 429 with Retry-After', async () => {
    const from = { 'x-forwarded-for': '198.51.100.7' };
    const statuses: number[] = [];
    let retryAfter: string | null = null;
    for (let i = 0; i < 15; i++) {
      const res = await send('/api/auth/sign-in', {
        method: 'POST',
        headers: { 'content-type': 'application/json', origin: base(), ...from },
        body: JSON.stringify({ name: 'mallory', password: `guess-${i}` }),
      });
      statuses.push(res.status);
      if (res.status === 429) retryAfter = res.headers.get('retry-after');
    }
    expect(statuses.slice(0, 5)).toEqual([401, 401, 401, 401, 401]);
    expect(statuses.slice(5)).toEqual(Array(10).fill(429));
    expect(Number(retryAfter)).toBeGreaterThan(0);
  });

  it('every answer carries the security headers', async () => {
    for (const path of ['/', '/sign-in', '/api/health', '/api/topology', '/incidents/987654321']) {
      const res = await send(path);
      const csp = res.headers.get('content-security-policy') ?? '';
      expect(csp, path).toContain("frame-ancestors 'none'");
      expect(res.headers.get('x-content-type-options'), path).toBe('nosniff');
      expect(res.headers.get('referrer-policy'), path).toBe('same-origin');
      if (!path.startsWith('/api/')) expect(csp, path).toMatch(/script-src 'self' 'nonce-[A-Za-z0-9+/=]+'/);
    }
  });
});

/** Any text, including what breaks parsers: escapes, controls, huge numbers, other scripts. */
const nasty = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.constantFrom('%', '%E0%A4%A', '..', '../../etc/passwd', '\u0000', '-1', '1e309', 'NaN', '0x10', '9'.repeat(40)),
  fc.constantFrom('0000-01-01T00:00Z', '9999-12-31T23:59Z', '2026-02-30T00:00Z', '-000001-01-01T00:00:00Z'),
  fc.integer().map(String),
);
const query = fc
  .dictionary(
    fc.constantFrom(
      'at',
      'from',
      'to',
      'stage',
      'actor',
      'job',
      'outcome',
      'limit',
      'cursor',
      'snapshots',
      'rps',
      'range',
      'pipeline',
      'next',
      'x',
    ),
    nasty,
    {
      maxKeys: 4,
    },
  )
  .map((q) => new URLSearchParams(q).toString());
const cookie = fc.oneof(
  fc.constant(null),
  fc.constant('operator'),
  nasty.map((v) => `warroom_session=${encodeURIComponent(v)}`),
  nasty.map((v) => `warroom_session=${v.replace(/[;\r\n\u0000-\u001f\u007f-\uffff]/g, '')}`),
);
const jsonBody = fc.oneof(
  fc.json({ maxDepth: 3 }),
  fc.string({ maxLength: 200 }),
  fc.constant('x'.repeat(70 * 1024)),
  // Close to valid: the right fields with wrong or extreme values.
  fc
    .record(
      {
        job: fc.oneof(fc.constant('api'), nasty),
        group: fc.oneof(fc.constant('reply-consumer'), nasty),
        // Outside the configured bounds (1..50) on purpose: no such scale may happen.
        count: fc.oneof(fc.integer({ min: 51, max: 2 ** 31 }), fc.integer({ max: 0 }), fc.double(), nasty),
        reason: fc.oneof(fc.string({ maxLength: 300 }), fc.constant('')),
        idempotencyKey: fc.string({ maxLength: 120 }),
        name: nasty,
        password: nasty,
        title: fc.string({ maxLength: 300 }),
        severity: nasty,
        status: nasty,
        body: fc.string({ maxLength: 300 }),
        expectedUpdatedAt: nasty,
      },
      { requiredKeys: [] },
    )
    .map((o) => JSON.stringify(o)),
);
const contentType = fc.constantFrom(
  'application/json',
  'text/plain',
  'application/x-www-form-urlencoded',
  '',
  'multipart/form-data; boundary=x',
);

const routes: Array<{ method: string; path: (seg: string) => string; body?: boolean }> = [
  { method: 'GET', path: () => '/api/topology' },
  { method: 'GET', path: () => '/api/timeline' },
  { method: 'GET', path: () => '/api/series' },
  { method: 'GET', path: () => '/api/capacity' },
  { method: 'GET', path: () => '/api/trends' },
  { method: 'GET', path: () => '/api/pipelines' },
  { method: 'GET', path: () => '/api/audit' },
  { method: 'GET', path: () => '/api/incidents' },
  { method: 'POST', path: () => '/api/incidents', body: true },
  { method: 'GET', path: (s) => `/api/incidents/${s}` },
  { method: 'PATCH', path: (s) => `/api/incidents/${s}`, body: true },
  { method: 'POST', path: (s) => `/api/incidents/${s}/notes`, body: true },
  { method: 'GET', path: (s) => `/api/incidents/${s}/postmortem` },
  { method: 'POST', path: () => '/api/actions/scale/preview', body: true },
  { method: 'POST', path: () => '/api/actions/scale', body: true },
  { method: 'POST', path: () => '/api/auth/sign-in', body: true },
  { method: 'POST', path: () => '/api/auth/sign-out-everyone', body: true },
  { method: 'GET', path: () => '/api/health' },
  { method: 'GET', path: () => '/' },
  { method: 'GET', path: () => '/audit' },
  { method: 'GET', path: () => '/incidents' },
  { method: 'GET', path: (s) => `/incidents/${s}` },
  { method: 'GET', path: (s) => `/p/${s}` },
  { method: 'GET', path: (s) => `/p/${s}/incidents` },
  { method: 'GET', path: () => '/sign-in' },
  { method: 'POST', path: () => '/api/integrations/alertmanager', body: true },
  // Last: signing out really ends the operator's session, which the routes above use.
  { method: 'POST', path: () => '/api/auth/sign-out', body: true },
];

describe('fuzz: every route and page, any input', () => {
  it.each(routes.map((r) => [`${r.method} ${r.path(':id')}`, r] as const))(
    '%s never answers a 5xx',
    async (_name, r) => {
      const before = await replyConsumers();
      const seen = new Set<number>();
      await fc.assert(
        fc.asyncProperty(
          nasty.map((s) => encodeURIComponent(s)),
          query,
          cookie,
          jsonBody,
          contentType,
          fc.ipV4(),
          async (seg, q, c, body, type, address) => {
            const path = `${r.path(seg)}${q ? `?${q}` : ''}`;
            const headers: Record<string, string> = { origin: base(), 'x-forwarded-for': address };
            if (c) headers.cookie = c === 'operator' ? operator : c;
            if (r.body && type) headers['content-type'] = type;
            const res = await send(path, { method: r.method, headers, body: r.body ? body : undefined });
            seen.add(res.status);
            expect(
              allowed.has(res.status),
              `${r.method} ${path} answered ${res.status}: ${await res.clone().text()}`,
            ).toBe(true);
            if (path.startsWith('/api/')) await expectErrorBody(res, `${r.method} ${path}`);
            else await res.arrayBuffer();
          },
        ),
        { numRuns: casesPerRoute },
      );
      // The scale target never moved: every request above was out of bounds or refused.
      expect(await replyConsumers()).toBe(before);
      expect(seen.size).toBeGreaterThan(0);
    },
    600_000,
  );
});
