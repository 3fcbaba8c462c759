import { expect, test, type Page } from '@playwright/test';
import { setScenario, stackLayout } from '../scripts/stack';
import { resetPipelineAround, screenshotPath } from './browser';

const layout = stackLayout('test');
resetPipelineAround(layout);

const params = (page: Page) => new URL(page.url()).searchParams;

/** A point of a chart's plot area, `fx` of the way across it, in page coordinates. */
async function plotPoint(page: Page, testId: string, fx: number): Promise<{ x: number; y: number }> {
  // The mouse acts in the viewport: the chart must be on screen first.
  await page.getByTestId(testId).scrollIntoViewIfNeeded();
  const box = (await page.getByTestId(testId).locator('.recharts-cartesian-grid').boundingBox())!;
  return { x: box.x + box.width * fx, y: box.y + box.height / 2 };
}

/** Set before an action: still there after it means no full page load happened. */
const plant = (page: Page) =>
  page.evaluate(() => ((window as unknown as { __trendsMark: string }).__trendsMark = 'kept'));
const planted = (page: Page) =>
  page.evaluate(() => (window as unknown as { __trendsMark?: string }).__trendsMark ?? null);

test.describe('trends on the live page', () => {
  test('shows three charts with markers, switches the range in the address, zooms by dragging, and replays a clicked moment in place', async ({
    page,
    browser,
  }) => {
    test.setTimeout(300_000);
    await setScenario(layout, 'reply-starvation');
    await page.goto('/');
    const panel = page.getByTestId('trends-panel');
    await expect(panel).toHaveAttribute('data-state', 'ready', { timeout: 30_000 });
    await expect(panel).toHaveAttribute('data-range', '15m');
    for (const chart of ['trends-latency-chart', 'trends-depth-chart', 'trends-workers-chart'])
      // At least one line drawn.
      await expect(page.getByTestId(chart).locator('.recharts-line-curve').first(), chart).toBeAttached({
        timeout: 30_000,
      });

    // The bottleneck reaching the reply consumers is a marker, with its words as its tooltip. It may
    // appear there or first elsewhere and move there; earlier files' markers can be in the range, and
    // the panel refetches every 15 s, so wait for this one by its words.
    await expect(page.getByTestId('bottleneck-banner')).toHaveAttribute('data-stage', 'reply-consumers', {
      timeout: 90_000,
    });
    const bottleneckMarkers = page.locator(
      '[data-testid="trends-marker"]:is([data-kind="bottleneck-appeared"], [data-kind="bottleneck-moved"])',
    );
    await expect
      .poll(
        async () =>
          (await bottleneckMarkers.evaluateAll((els) => els.map((e) => e.getAttribute('title') ?? ''))).some((t) =>
            /^\d\d:\d\d:\d\d UTC: Bottleneck(: | moved from .+ to )API reply consumers\. /.test(t),
          ),
        { timeout: 40_000, intervals: [1000] },
      )
      .toBe(true);
    await expect(page.getByTestId('trends-latency-chart')).not.toHaveAttribute('data-points', '0', {
      timeout: 30_000,
    });
    await page.screenshot({ path: screenshotPath('trends-15m'), fullPage: true });

    // The picker puts the range in the address, without a page load; the panel follows.
    await plant(page);
    await page.getByTestId('trends-range-1h').click();
    await expect(page).toHaveURL((url) => url.searchParams.get('range') === '1h', { timeout: 10_000 });
    await expect(panel).toHaveAttribute('data-range', '1h', { timeout: 10_000 });
    expect(await planted(page)).toBe('kept');
    // The same link in a fresh page shows the same range.
    const second = await browser.newPage();
    await second.goto(page.url());
    await expect(second.getByTestId('trends-panel')).toHaveAttribute('data-range', '1h', { timeout: 30_000 });
    await second.context().close();

    // Dragging across a chart zooms to that stretch: a fixed from/to in the address.
    await page.getByTestId('trends-range-15m').click();
    await expect(page).toHaveURL((url) => url.searchParams.get('range') === '15m', { timeout: 10_000 });
    await expect(panel).toHaveAttribute('data-state', 'ready', { timeout: 10_000 });
    const start = await plotPoint(page, 'trends-depth-chart', 0.3);
    const end = await plotPoint(page, 'trends-depth-chart', 0.99);
    // recharts reads the pointer's moment from its tooltip, updated once a frame: pause between steps.
    await page.mouse.move(start.x, start.y);
    await page.waitForTimeout(300);
    await page.mouse.down();
    await page.mouse.move(end.x, end.y, { steps: 15 });
    await page.waitForTimeout(300);
    await page.mouse.up();
    await expect(page).toHaveURL((url) => url.searchParams.get('from') !== null, { timeout: 10_000 });
    expect(params(page).get('range')).toBeNull();
    const zoom = { from: Date.parse(params(page).get('from')!), to: Date.parse(params(page).get('to')!) };
    expect(zoom.to - zoom.from).toBeGreaterThanOrEqual(60_000);
    expect(zoom.to - zoom.from).toBeLessThan(15 * 60_000);
    await expect(panel).toHaveAttribute('data-range', 'custom', { timeout: 10_000 });
    expect(await planted(page)).toBe('kept');

    // A click on a moment replays it in place: ?at= through the router, no page load.
    await page.getByTestId('trends-range-15m').click();
    await expect(page).toHaveURL((url) => url.searchParams.get('range') === '15m', { timeout: 10_000 });
    await expect(panel).toHaveAttribute('data-state', 'ready', { timeout: 10_000 });
    const moment = await plotPoint(page, 'trends-latency-chart', 0.97);
    await page.mouse.move(moment.x, moment.y);
    await page.waitForTimeout(300);
    await page.mouse.click(moment.x, moment.y);
    await expect(page).toHaveURL((url) => url.searchParams.get('at') !== null, { timeout: 15_000 });
    const replayBanner = page.getByTestId('replay-banner');
    await expect(replayBanner).toBeVisible({ timeout: 15_000 });
    await expect(replayBanner).toHaveAttribute('data-at', params(page).get('at')!);
    expect(await planted(page)).toBe('kept');
    // Marked as a replay, not live, though the page never reloaded.
    await expect(page.getByTestId('stream-state')).toHaveAttribute('data-state', 'replay', { timeout: 5000 });
    const atMs = Date.parse(params(page).get('at')!);
    expect(Date.now() - atMs).toBeLessThan(16 * 60_000);
    // The charts stay on the range they showed, now fixed, around the replayed moment.
    expect(Date.parse(params(page).get('from')!)).toBeLessThanOrEqual(atMs);
    expect(Date.parse(params(page).get('to')!)).toBeGreaterThanOrEqual(atMs);
    await expect(page.getByTestId('trends-latency-chart')).toBeVisible({ timeout: 10_000 });
    await page.screenshot({ path: screenshotPath('trends-replay'), fullPage: true });
  });

  test('a bad range is a 400 with the usual error body', async ({ request }) => {
    for (const [query, field] of [
      ['range=2h', 'range'],
      ['from=2026-11-22T10:00:00Z&to=2026-11-22T09:00:00Z', 'to'],
      ['from=yesterday&to=2026-11-22T09:00:00Z', 'from'],
      [`from=2026-11-20T00:00:00Z&to=2026-11-22T00:00:00Z`, 'to'],
    ] as const) {
      const res = await request.get(`/api/trends?${query}`);
      expect(res.status(), query).toBe(400);
      const body = (await res.json()) as { error: { code: string; message: string } };
      expect(body.error.code, query).toBe('invalid');
      expect(body.error.message.startsWith(`${field}: `), `${query}: ${body.error.message}`).toBe(true);
    }
    const ok = await request.get('/api/trends?range=24h');
    expect(ok.status()).toBe(200);
    const view = (await ok.json()) as { latency: Array<{ points: unknown[] }> };
    expect(view.latency[0]!.points.length).toBeLessThanOrEqual(300);
  });
});
