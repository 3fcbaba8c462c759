import { beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { dashboardUrl, setScenario, stackLayout } from '../scripts/stack';
import { pipelineBrowser, screenshotPath } from './browser';

const layout = stackLayout('test');
const browser = pipelineBrowser(layout);
let page: Page;

beforeAll(async () => {
  page = await browser().newPage({ viewport: { width: 1440, height: 1000 } });
});

const params = () => new URL(page.url()).searchParams;

/** A point of a chart's plot area, `fx` of the way across it, in page coordinates. */
async function plotPoint(testId: string, fx: number): Promise<{ x: number; y: number }> {
  // The mouse acts in the viewport: the chart must be on screen first.
  await page.getByTestId(testId).scrollIntoViewIfNeeded();
  const box = (await page.getByTestId(testId).locator('.recharts-cartesian-grid').boundingBox())!;
  return { x: box.x + box.width * fx, y: box.y + box.height / 2 };
}

/** Set before an action: still there after it means no full page load happened. */
const plant = () => page.evaluate(() => ((window as unknown as { __trendsMark: string }).__trendsMark = 'kept'));
const planted = () => page.evaluate(() => (window as unknown as { __trendsMark?: string }).__trendsMark ?? null);

describe('trends on the live page', () => {
  it('shows three charts with markers, switches the range in the address, zooms by dragging, and replays a clicked moment in place', async () => {
    await setScenario(layout, 'reply-starvation');
    await page.goto(dashboardUrl(layout));
    const panel = page.getByTestId('trends-panel');
    await expect.poll(() => panel.getAttribute('data-state'), { timeout: 30_000 }).toBe('ready');
    expect(await panel.getAttribute('data-range')).toBe('15m');
    for (const chart of ['trends-latency-chart', 'trends-depth-chart', 'trends-workers-chart'])
      await expect
        .poll(() => page.getByTestId(chart).locator('.recharts-line-curve').count(), { timeout: 30_000 })
        .toBeGreaterThan(0);

    // The bottleneck appearing is a marker, with its words as its tooltip.
    await expect
      .poll(() => page.getByTestId('bottleneck-banner').getAttribute('data-stage'), { timeout: 90_000, interval: 500 })
      .toBe('reply-consumers');
    await expect
      .poll(() => page.locator('[data-testid="trends-marker"][data-kind="bottleneck-appeared"]').count(), {
        timeout: 40_000,
        interval: 1000,
      })
      .toBeGreaterThan(0);
    const marker = page.locator('[data-testid="trends-marker"][data-kind="bottleneck-appeared"]').last();
    expect(await marker.getAttribute('title')).toMatch(/UTC: .*Reply/);
    await expect
      .poll(() => page.getByTestId('trends-latency-chart').getAttribute('data-points'), { timeout: 30_000 })
      .not.toBe('0');
    await page.screenshot({ path: screenshotPath('trends-15m'), fullPage: true });

    // The picker puts the range in the address, without a page load; the panel follows.
    await plant();
    await page.getByTestId('trends-range-1h').click();
    await expect.poll(() => params().get('range'), { timeout: 10_000 }).toBe('1h');
    await expect.poll(() => panel.getAttribute('data-range'), { timeout: 10_000 }).toBe('1h');
    expect(await planted()).toBe('kept');
    // The same link in a fresh page shows the same range.
    const second = await browser().newPage();
    await second.goto(page.url());
    await expect
      .poll(() => second.getByTestId('trends-panel').getAttribute('data-range'), { timeout: 30_000 })
      .toBe('1h');
    await second.close();

    // Dragging across a chart zooms to that stretch: a fixed from/to in the address.
    await page.getByTestId('trends-range-15m').click();
    await expect.poll(() => params().get('range'), { timeout: 10_000 }).toBe('15m');
    await expect.poll(() => panel.getAttribute('data-state'), { timeout: 10_000 }).toBe('ready');
    const start = await plotPoint('trends-depth-chart', 0.3);
    const end = await plotPoint('trends-depth-chart', 0.99);
    // recharts reads the pointer's moment from its tooltip, updated once a frame: pause between steps.
    await page.mouse.move(start.x, start.y);
    await page.waitForTimeout(300);
    await page.mouse.down();
    await page.mouse.move(end.x, end.y, { steps: 15 });
    await page.waitForTimeout(300);
    await page.mouse.up();
    await expect.poll(() => params().get('from'), { timeout: 10_000 }).not.toBeNull();
    expect(params().get('range')).toBeNull();
    const zoom = { from: Date.parse(params().get('from')!), to: Date.parse(params().get('to')!) };
    expect(zoom.to - zoom.from).toBeGreaterThanOrEqual(60_000);
    expect(zoom.to - zoom.from).toBeLessThan(15 * 60_000);
    await expect.poll(() => panel.getAttribute('data-range'), { timeout: 10_000 }).toBe('custom');
    expect(await planted()).toBe('kept');

    // A click on a moment replays it in place: ?at= through the router, no page load.
    await page.getByTestId('trends-range-15m').click();
    await expect.poll(() => params().get('range'), { timeout: 10_000 }).toBe('15m');
    await expect.poll(() => panel.getAttribute('data-state'), { timeout: 10_000 }).toBe('ready');
    const moment = await plotPoint('trends-latency-chart', 0.97);
    await page.mouse.move(moment.x, moment.y);
    await page.waitForTimeout(300);
    await page.mouse.click(moment.x, moment.y);
    await expect.poll(() => params().get('at'), { timeout: 15_000 }).not.toBeNull();
    await expect.poll(() => page.getByTestId('replay-banner').isVisible(), { timeout: 15_000 }).toBe(true);
    expect(await page.getByTestId('replay-banner').getAttribute('data-at')).toBe(params().get('at'));
    expect(await planted()).toBe('kept');
    // Marked as a replay, not live, though the page never reloaded.
    await expect
      .poll(() => page.getByTestId('stream-state').getAttribute('data-state'), { timeout: 5000 })
      .toBe('replay');
    const atMs = Date.parse(params().get('at')!);
    expect(Date.now() - atMs).toBeLessThan(16 * 60_000);
    // The charts stay on the range they showed, now fixed, around the replayed moment.
    expect(Date.parse(params().get('from')!)).toBeLessThanOrEqual(atMs);
    expect(Date.parse(params().get('to')!)).toBeGreaterThanOrEqual(atMs);
    await expect.poll(() => page.getByTestId('trends-latency-chart').isVisible(), { timeout: 10_000 }).toBe(true);
    await page.screenshot({ path: screenshotPath('trends-replay'), fullPage: true });
  }, 300_000);

  it('a bad range is a 400 with the usual error body', async () => {
    for (const [query, field] of [
      ['range=2h', 'range'],
      ['from=2026-11-22T10:00:00Z&to=2026-11-22T09:00:00Z', 'to'],
      ['from=yesterday&to=2026-11-22T09:00:00Z', 'from'],
      [`from=2026-11-20T00:00:00Z&to=2026-11-22T00:00:00Z`, 'to'],
    ] as const) {
      const res = await fetch(`${dashboardUrl(layout)}/api/trends?${query}`);
      expect(res.status).toBe(400);
      const body = (await res.json()) as { error: { code: string; message: string } };
      expect(body.error.code).toBe('invalid');
      expect(body.error.message.startsWith(`${field}: `)).toBe(true);
    }
    const ok = await fetch(`${dashboardUrl(layout)}/api/trends?range=24h`);
    expect(ok.status).toBe(200);
    const view = (await ok.json()) as { latency: Array<{ points: unknown[] }> };
    expect(view.latency[0]!.points.length).toBeLessThanOrEqual(300);
  });
});
