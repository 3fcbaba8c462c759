import { expect, test, type Page } from '@playwright/test';
import { setScenario, stackLayout, startPrometheus, stopPrometheus } from '../scripts/stack';
import { resetPipelineAround, screenshotPath } from './browser';

const layout = stackLayout('test');
resetPipelineAround(layout, { after: () => startPrometheus(layout) });

// One page watched across both tests: the second starts from the starving pipeline the first
// left on screen, so it runs only after the first passed.
test.describe.configure({ mode: 'serial' });
let page: Page;
test.beforeAll(async ({ browser }) => {
  page = await browser.newPage();
});
test.afterAll(async () => {
  await page?.context().close();
});

test.describe('live topology in Chromium', () => {
  test('shows the reply-queue bottleneck in the banner and on the graph, live, without a reload', async ({
    browser,
  }) => {
    await setScenario(layout, 'steady');
    await page.goto('/');
    const banner = page.getByTestId('bottleneck-banner');
    await expect(banner).toHaveAttribute('data-state', 'healthy', { timeout: 30_000 });
    await expect(page.getByTestId('stream-state')).toHaveAttribute('data-state', 'live', { timeout: 10_000 });

    await setScenario(layout, 'reply-starvation');
    await expect(banner).toHaveAttribute('data-stage', 'reply-consumers', { timeout: 90_000 });
    await expect(page.getByTestId('bottleneck-reason')).toHaveText(/^Reply queue: [\d,]+ ready/);
    await expect(page.getByTestId('bottleneck-recommendation')).toHaveText(/group reply-consumer from 3 to \d+/, {
      timeout: 30_000,
    });
    await expect(page.getByTestId('stage-node-reply-consumers')).toHaveAttribute('data-bottleneck', 'true');
    await expect(page.getByTestId('stage-node-reply-queue')).toHaveAttribute('data-bottleneck', 'true');
    await expect(page.getByTestId('stage-node-ml-workers')).toHaveAttribute('data-bottleneck', 'false');

    await page.getByTestId('stage-node-reply-queue').click();
    await expect(page.getByTestId('stage-side-panel')).toHaveAttribute('data-stage', 'reply-queue', {
      timeout: 10_000,
    });
    // The address follows through a server round trip (router.replace), which takes a few seconds
    // on a loaded machine.
    await expect(page).toHaveURL((url) => url.searchParams.get('stage') === 'reply-queue', { timeout: 10_000 });
    await page.waitForTimeout(1500);
    await page.screenshot({ path: screenshotPath('reply-starvation'), fullPage: true });

    // The link alone brings back the same view.
    const second = await browser.newPage();
    await second.goto(page.url());
    await expect(second.getByTestId('stage-side-panel')).toHaveAttribute('data-stage', 'reply-queue', {
      timeout: 15_000,
    });
    await second.context().close();
  });

  test('marks a dead source stale on its own panels while the rest stays live, and recovers', async () => {
    await stopPrometheus(layout);
    const prometheus = page.getByTestId('source-status-prometheus');
    // Any status but ok: the attribute present, its value not "ok".
    await expect(prometheus).toHaveAttribute('data-status', /^(?!ok$)/, { timeout: 15_000 });
    await expect(page.getByTestId('stage-ml-workers-stale')).toContainText('prometheus');
    await expect(page.getByTestId('source-status-rabbitmq')).toHaveAttribute('data-status', 'ok');
    const ready = page.getByTestId('stage-reply-queue-ready');
    const before = await ready.textContent();
    await expect.poll(() => ready.textContent(), { timeout: 15_000 }).not.toBe(before);
    await page.screenshot({ path: screenshotPath('prometheus-down'), fullPage: true });
    await startPrometheus(layout);
    await expect(prometheus).toHaveAttribute('data-status', 'ok', { timeout: 30_000 });
  });
});
