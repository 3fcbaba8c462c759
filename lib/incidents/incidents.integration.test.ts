import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dashboardUrl, stackLayout } from '../../scripts/stack';
import { closeActiveIncidents, sendAs, signIn } from '../../scripts/testing/dashboard-client';
import type { Incident } from '../contracts/incident';

/**
 * The incident API on the running dashboard: the guard on every change, clear errors, the
 * timeline and postmortem of an incident, and the change stream that keeps open pages live.
 */
const layout = stackLayout('test');
const base = () => dashboardUrl(layout);
let operator = '';
let viewer = '';
let admin = '';

async function json<T>(
  res: Response,
): Promise<{ status: number; body: T & { error?: { code: string; message: string } } }> {
  return { status: res.status, body: (await res.json()) as T & { error?: { code: string; message: string } } };
}

const closeActive = () => closeActiveIncidents(layout, admin);

beforeAll(async () => {
  [operator, viewer, admin] = await Promise.all([
    signIn(layout, 'operator'),
    signIn(layout, 'viewer'),
    signIn(layout, 'admin'),
  ]);
  await closeActive();
});
afterAll(closeActive);

describe('incident API', () => {
  it('refuses changes without a session, from a viewer, from another site, or with a bad body, and says why', async () => {
    const body = { title: 'reply queue backing up', severity: 'sev2' };
    expect((await json(await sendAs(layout, null, 'POST', '/api/incidents', body))).status).toBe(401);
    const asViewer = await json(await sendAs(layout, viewer, 'POST', '/api/incidents', body));
    expect(asViewer).toMatchObject({
      status: 403,
      body: { error: { message: 'opening an incident needs the operator role; victor is a viewer' } },
    });
    expect(
      (await json(await sendAs(layout, operator, 'POST', '/api/incidents', body, { origin: 'http://evil.example' })))
        .status,
    ).toBe(403);
    const bad = await json(await sendAs(layout, operator, 'POST', '/api/incidents', { title: '', severity: 'sev7' }));
    expect(bad.status).toBe(400);
    expect(bad.body.error!.message).toContain('title: must not be empty');
    expect(bad.body.error!.message).toContain('severity');
    const future = await json(
      await sendAs(layout, operator, 'POST', '/api/incidents', { ...body, startedAt: '2099-01-01T00:00:00Z' }),
    );
    expect(future).toMatchObject({
      status: 400,
      body: { error: { message: expect.stringContaining('in the future') } },
    });
    const { incidents } = (await (await fetch(`${base()}/api/incidents`)).json()) as { incidents: Incident[] };
    expect(incidents.filter((i) => i.title === body.title)).toEqual([]);
  });

  it('opens, notes, changes and resolves an incident; the timeline and the postmortem carry who did what and why', async () => {
    const opened = await json<Incident>(
      await sendAs(layout, operator, 'POST', '/api/incidents', {
        title: 'API test incident',
        severity: 'sev3',
        note: 'opened from the API test',
      }),
    );
    expect(opened).toMatchObject({
      status: 200,
      body: { status: 'investigating', owner: 'olivia', openedBy: 'olivia' },
    });
    const id = opened.body.id;
    expect(
      (
        await sendAs(layout, operator, 'POST', `/api/incidents/${id}/notes`, {
          body: 'reply queue at 900, ML workers idle',
        })
      ).status,
    ).toBe(200);
    expect((await json(await sendAs(layout, viewer, 'POST', `/api/incidents/${id}/notes`, { body: 'x' }))).status).toBe(
      403,
    );
    expect(
      await json(await sendAs(layout, operator, 'PATCH', `/api/incidents/${id}`, { status: 'resolved' })),
    ).toMatchObject({ status: 400, body: { error: { message: expect.stringContaining('needs a reason') } } });
    expect(
      await json(
        await sendAs(layout, operator, 'PATCH', `/api/incidents/${id}`, { status: 'suggested', reason: 'back' }),
      ),
    ).toMatchObject({
      status: 409,
      body: {
        error: { message: `incident #${id} is investigating: it can move to mitigated or resolved, not suggested` },
      },
    });
    expect(
      await json(await sendAs(layout, operator, 'PATCH', `/api/incidents/${id}`, { owner: 'nobody-here' })),
    ).toMatchObject({ status: 400, body: { error: { message: expect.stringContaining('not a configured user') } } });
    expect(
      (
        await json<Incident>(
          await sendAs(layout, admin, 'PATCH', `/api/incidents/${id}`, {
            owner: 'ada',
            severity: 'sev1',
            reason: 'customers affected',
          }),
        )
      ).body,
    ).toMatchObject({ owner: 'ada', severity: 'sev1' });
    const resolved = await json<Incident>(
      await sendAs(layout, operator, 'PATCH', `/api/incidents/${id}`, {
        status: 'resolved',
        reason: 'reply consumers 3 -> 30, p90 back under 3 s',
      }),
    );
    expect(resolved.body).toMatchObject({ status: 'resolved' });
    expect(resolved.body.endedAt).not.toBeNull();

    const detail = (await (await fetch(`${base()}/api/incidents/${id}`)).json()) as {
      timeline: Array<{ kind: string; message: string; link: string }>;
    };
    const mine = detail.timeline.filter((e) => e.kind === 'note' || e.kind.startsWith('incident-'));
    expect(mine.map((e) => e.message)).toEqual([
      'olivia opened the incident: opened from the API test',
      'olivia: reply queue at 900, ML workers idle',
      'ada took charge.',
      'ada changed the severity sev3 -> sev1: customers affected',
      'olivia set the status investigating -> resolved. Reason: reply consumers 3 -> 30, p90 back under 3 s',
    ]);
    expect(mine[0]!.link).toMatch(new RegExp(`^/incidents/${id}\\?at=`));

    const md = await (await fetch(`${base()}/api/incidents/${id}/postmortem?download=1`)).text();
    expect(md).toContain('# Postmortem draft: API test incident');
    expect(md).toContain('- In charge: ada; opened by olivia');
    expect(md).toContain('reply queue at 900, ML workers idle');
    // Links back to each moment, on the host the reader used.
    expect(md).toContain(`[#${id}](${base()}/incidents/${id})`);
    expect(md).toMatch(new RegExp(`\\[open\\]\\(${base().replace(/\./g, '\\.')}/incidents/${id}\\?at=2`));
  });

  it.each([
    ['/api/incidents/abc', 404, '"abc" is not an incident id'],
    ['/api/incidents/999999999', 404, 'no incident #999999999'],
    ['/api/incidents/999999999/postmortem', 404, 'no incident #999999999'],
  ])('GET %s answers %i: %s', async (path, status, message) => {
    const r = await json(await fetch(`${base()}${path}`));
    expect(r).toMatchObject({ status, body: { error: { message } } });
  });

  it('bad links to incident pages say so instead of a blank page or a 500', async () => {
    const opened = await json<Incident>(
      await sendAs(layout, operator, 'POST', '/api/incidents', { title: 'bad links test', severity: 'sev3' }),
    );
    const cases: Array<[string, string]> = [
      // Not-found pages arrive in the streamed payload (the loading boundary is sent first).
      ['/incidents/999999999', 'incident-not-found'],
      ['/incidents/abc', 'incident-not-found'],
      [`/incidents/${opened.body.id}?at=not-a-time`, 'data-testid="replay-error"'],
      [`/incidents/${opened.body.id}?at=2000-01-01T00:00:00Z`, 'data-testid="replay-error"'],
    ];
    for (const [path, marker] of cases) {
      const res = await fetch(`${base()}${path}`);
      expect(res.status, path).toBeLessThan(500);
      const html = await res.text();
      expect(html, path).toContain(marker);
    }
    // The incident itself still renders around the refused moment.
    expect(await (await fetch(`${base()}/incidents/${opened.body.id}?at=not-a-time`)).text()).toContain(
      'data-testid="incident-header"',
    );
  });

  it('tells every open page at once when an incident changes (server-sent events)', async () => {
    const opened = await json<Incident>(
      await sendAs(layout, operator, 'POST', '/api/incidents', { title: 'stream test', severity: 'sev3' }),
    );
    const abort = new AbortController();
    const res = await fetch(`${base()}/api/stream?snapshots=0`, { signal: abort.signal });
    const reader = res.body!.getReader();
    const decoder = new TextDecoder();
    let text = '';
    await reader.read();
    await sendAs(layout, operator, 'POST', `/api/incidents/${opened.body.id}/notes`, { body: 'anyone watching?' });
    const deadline = Date.now() + 5000;
    while (!text.includes('event: change') && Date.now() < deadline)
      text += decoder.decode((await reader.read()).value);
    abort.abort();
    expect(text).toContain(`event: change\ndata: {"topic":"incident","incidentId":${opened.body.id}}`);
    expect(text).not.toContain('event: snapshot');
  });
});
