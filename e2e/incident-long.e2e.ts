import { expect, test } from '@playwright/test';
import type { IncidentDetail, NoteCreated } from '../lib/contracts/incident';
import { stackLayout } from '../scripts/stack';
import { closeActiveIncidents, postAs, signIn } from '../scripts/testing/dashboard-client';
import { signInPage } from './browser';

/**
 * A link into a long incident (more timeline entries than one page shows): the server sends the
 * window around the moment only, the moment's entry marked and in view; "Show earlier" and "Show
 * later" widen the list a page at a time until every entry is there, each once and in order.
 */
const layout = stackLayout('test');
const notes = 140;

test.describe('a long incident', () => {
  test('a link to its 60th note shows the window around it; Show earlier and Show later reach every entry', async ({
    browser,
    request,
  }) => {
    const operator = await signIn(layout, 'operator');
    await closeActiveIncidents(layout);
    const opened = await postAs(layout, operator, '/api/incidents', {
      title: 'long incident for the timeline window',
      severity: 'sev3',
    });
    expect(opened.status, await opened.clone().text()).toBe(200);
    const { id } = (await opened.json()) as { id: number };
    const at: string[] = [];
    for (let n = 1; n <= notes; n++) {
      const res = await postAs(layout, operator, `/api/incidents/${id}/notes`, {
        body: `note ${String(n).padStart(3, '0')}`,
      });
      expect(res.status).toBe(200);
      at.push(((await res.json()) as NoteCreated).at);
    }
    const detail = (await (
      await request.get(`/api/incidents/${id}`, { headers: { cookie: operator } })
    ).json()) as IncidentDetail;
    const all = detail.timeline.map((e) => e.message);
    // A note's entry reads "<author>: <note>".
    const noteOf = (message: string) => /: (note \d{3})$/.exec(message)?.[1];
    expect(all.filter(noteOf)).toHaveLength(notes);
    const sixtieth = detail.timeline.find((e) => noteOf(e.message) === 'note 060')!;

    // The server's page carries one window (50 entries), not the whole timeline.
    const html = await (await request.get(sixtieth.link, { headers: { cookie: operator } })).text();
    expect(html.match(/data-testid="timeline-event"/g)?.length).toBe(50);

    const viewer = await signInPage(browser, 'viewer');
    try {
      await viewer.goto(sixtieth.link);
      const list = viewer.getByTestId('incident-timeline');
      const entries = list.getByTestId('timeline-event');
      const current = list.locator('[data-testid="timeline-event"][data-current="true"]');
      await expect(current).toContainText('note 060');
      // In view inside the list, which scrolls on its own.
      await expect
        .poll(() =>
          current.evaluate((row) => {
            // A row React replaced (the whole timeline arriving after the first window) is detached:
            // not yet, ask again.
            const ol = row.closest('ol');
            if (!ol) return false;
            const box = ol.getBoundingClientRect();
            const r = row.getBoundingClientRect();
            return r.top >= box.top - 1 && r.bottom <= box.bottom + 1;
          }),
        )
        .toBe(true);
      await expect(entries).toHaveCount(50);
      const earlier = list.getByTestId('timeline-earlier');
      const later = list.getByTestId('timeline-later');
      await expect(earlier).toBeVisible();
      await expect(later).toBeVisible();

      // Widen both ways, a page at a time, by keyboard and by click, until nothing is hidden.
      for (let i = 0; i < 10 && (await earlier.count()) > 0; i++) {
        const before = await entries.count();
        await earlier.focus();
        await viewer.keyboard.press('Enter');
        await expect.poll(() => entries.count()).toBeGreaterThan(before);
      }
      for (let i = 0; i < 10 && (await later.count()) > 0; i++) {
        const before = await entries.count();
        await later.click();
        await expect.poll(() => entries.count()).toBeGreaterThan(before);
      }
      await expect(earlier).toHaveCount(0);
      await expect(later).toHaveCount(0);
      // Every entry of the detail once, in its order, and the moment still marked.
      const shown = await entries.evaluateAll((els) => els.map((e) => e.lastElementChild?.textContent ?? ''));
      expect(shown.map(noteOf).filter(Boolean)).toEqual(
        Array.from({ length: notes }, (_, i) => `note ${String(i + 1).padStart(3, '0')}`),
      );
      expect(shown.length).toBeGreaterThanOrEqual(all.length);
      await expect(current).toContainText('note 060');
    } finally {
      await viewer.context().close();
      await closeActiveIncidents(layout);
    }
  });
});
