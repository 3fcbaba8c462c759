import { expect, test } from '@playwright/test';
import { setScenario, stackLayout } from '../scripts/stack';
import { resetPipelineAround, screenshotPath } from './browser';

/**
 * GPU memory on the page: the demo's ML workers export dcgm-exporter's FB_USED/FB_FREE (a 5 GiB
 * model plus activations on a 24 GB card each); the side panel shows it per GPU and per worker
 * with the packing room, and the GPU insight's packing advice names what memory allows.
 */
const layout = stackLayout('test');
resetPipelineAround(layout);

test.describe('GPU memory in Chromium', () => {
  test('the ML workers side panel shows memory per GPU and per worker, and the insight is capped by it', async ({
    page,
  }) => {
    await setScenario(layout, 'gpu-underused');
    await page.goto('/?stage=ml-workers');
    await expect(page.getByTestId('gpu-memory')).toHaveText(/^5(\.\d)? \/ 22\.5 GiB per GPU \(\d+ GPUs\)$/, {
      timeout: 30_000,
    });
    // While Nomad's running count catches up with the GPUs Prometheus sees (just after a start or a
    // scale), the share per worker is off; once they agree it is the model's 5 GiB and a little.
    await expect(page.getByTestId('gpu-room')).toHaveText(/memory \d+ \(5(\.\d)? GiB per worker of 22\.5 GiB\)/, {
      timeout: 60_000,
    });
    await expect(page.getByTestId('insight-gpu-underused').first()).toHaveText(
      /packing \d+ workers per GPU \(memory allows \d+, utilisation \d+|packing would not fit/,
      { timeout: 120_000 },
    );
    await page.screenshot({ path: screenshotPath('gpu-memory'), fullPage: true });
  });
});
