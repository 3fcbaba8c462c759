import { beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { dashboardUrl, setScenario, stackLayout } from '../scripts/stack';
import { pipelineBrowser, screenshotPath } from './browser';

/**
 * GPU memory on the page: the demo's ML workers export dcgm-exporter's FB_USED/FB_FREE (a 5 GiB
 * model plus activations on a 24 GB card each); the side panel shows it per GPU and per worker
 * with the packing room, and the GPU insight's packing advice names what memory allows.
 */
const layout = stackLayout('test');
const browser = pipelineBrowser(layout);
let page: Page;

beforeAll(async () => {
  page = await browser().newPage({ viewport: { width: 1440, height: 1000 } });
});

describe('GPU memory in Chromium', () => {
  it('the ML workers side panel shows memory per GPU and per worker, and the insight is capped by it', async () => {
    await setScenario(layout, 'gpu-underused');
    await page.goto(`${dashboardUrl(layout)}/?stage=ml-workers`);
    const memory = page.getByTestId('gpu-memory');
    await expect
      .poll(() => memory.textContent(), { timeout: 30_000 })
      .toMatch(/^5(\.\d)? \/ 22\.5 GiB per GPU \(\d+ GPUs\)$/);
    // While Nomad's running count catches up with the GPUs Prometheus sees (just after a start or a
    // scale), the share per worker is off; once they agree it is the model's 5 GiB and a little.
    await expect
      .poll(() => page.getByTestId('gpu-room').textContent(), { timeout: 60_000, interval: 1000 })
      .toMatch(/memory \d+ \(5(\.\d)? GiB per worker of 22\.5 GiB\)/);
    await expect
      .poll(() => page.getByTestId('insight-gpu-underused').first().textContent(), { timeout: 120_000, interval: 1000 })
      .toMatch(/packing \d+ workers per GPU \(memory allows \d+, utilisation \d+|packing would not fit/);
    await page.screenshot({ path: screenshotPath('gpu-memory'), fullPage: true });
  });
});
