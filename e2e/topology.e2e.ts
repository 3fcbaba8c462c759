import { beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { dashboardUrl, setScenario, stackLayout, startPrometheus, stopPrometheus } from '../scripts/stack';
import { pipelineBrowser, screenshotPath } from './browser';

const layout = stackLayout('test');
const browser = pipelineBrowser(layout, { after: () => startPrometheus(layout) });
let page: Page;

beforeAll(async () => {
  page = await browser().newPage({ viewport: { width: 1440, height: 1000 } });
});

describe('live topology in Chromium', () => {
  it('shows the reply-queue bottleneck in the banner and on the graph, live, without a reload', async () => {
    await setScenario(layout, 'steady');
    await page.goto(dashboardUrl(layout));
    await expect
      .poll(() => page.getByTestId('bottleneck-banner').getAttribute('data-state'), { timeout: 30_000 })
      .toBe('healthy');
    await expect
      .poll(() => page.getByTestId('stream-state').getAttribute('data-state'), { timeout: 10_000 })
      .toBe('live');

    await setScenario(layout, 'reply-starvation');
    const banner = page.getByTestId('bottleneck-banner');
    await expect
      .poll(() => banner.getAttribute('data-stage'), { timeout: 90_000, interval: 500 })
      .toBe('reply-consumers');
    expect(await page.getByTestId('bottleneck-reason').textContent()).toMatch(/^Reply queue: [\d,]+ ready/);
    await expect
      .poll(() => page.getByTestId('bottleneck-recommendation').textContent(), { timeout: 30_000 })
      .toMatch(/group reply-consumer from 3 to \d+/);
    expect(await page.getByTestId('stage-node-reply-consumers').getAttribute('data-bottleneck')).toBe('true');
    expect(await page.getByTestId('stage-node-reply-queue').getAttribute('data-bottleneck')).toBe('true');
    expect(await page.getByTestId('stage-node-ml-workers').getAttribute('data-bottleneck')).toBe('false');

    await page.getByTestId('stage-node-reply-queue').click();
    await expect
      .poll(() => page.getByTestId('stage-side-panel').getAttribute('data-stage'), { timeout: 10_000 })
      .toBe('reply-queue');
    // The address follows through a server round trip (router.replace), which takes more than
    // expect.poll's default second on a loaded machine.
    await expect.poll(() => new URL(page.url()).searchParams.get('stage'), { timeout: 10_000 }).toBe('reply-queue');
    await page.waitForTimeout(1500);
    await page.screenshot({ path: screenshotPath('reply-starvation'), fullPage: true });

    // The link alone brings back the same view.
    const second = await browser().newPage();
    await second.goto(page.url());
    await expect
      .poll(() => second.getByTestId('stage-side-panel').getAttribute('data-stage'), { timeout: 15_000 })
      .toBe('reply-queue');
    await second.close();
  });

  it('marks a dead source stale on its own panels while the rest stays live, and recovers', async () => {
    await stopPrometheus(layout);
    await expect
      .poll(() => page.getByTestId('source-status-prometheus').getAttribute('data-status'), { timeout: 15_000 })
      .not.toBe('ok');
    expect(await page.getByTestId('stage-ml-workers-stale').textContent()).toContain('prometheus');
    expect(await page.getByTestId('source-status-rabbitmq').getAttribute('data-status')).toBe('ok');
    const before = await page.getByTestId('stage-reply-queue-ready').textContent();
    await expect
      .poll(() => page.getByTestId('stage-reply-queue-ready').textContent(), { timeout: 15_000 })
      .not.toBe(before);
    await page.screenshot({ path: screenshotPath('prometheus-down'), fullPage: true });
    await startPrometheus(layout);
    await expect
      .poll(() => page.getByTestId('source-status-prometheus').getAttribute('data-status'), { timeout: 30_000 })
      .toBe('ok');
  });
});
