import { describe, expect, it } from 'vitest';
import { dashboardUrl, setScenario, stackLayout } from '../scripts/stack';
import { loadgenStats, nomadFetch, waitFor } from '../scripts/testing/demo-client';
import { JobScaleStatusSchema } from '../lib/sources/nomad/schemas';
import { pipelineBrowser, screenshotPath, signInPage } from './browser';

const layout = stackLayout('test');
const browser = pipelineBrowser(layout);

describe('one-click fix in Chromium', () => {
  it('an operator scales the reply consumers from the banner; latency recovers; the audit page shows who and why', async () => {
    await setScenario(layout, 'reply-starvation');
    const page = await signInPage(browser(), layout, 'operator');
    const button = page.getByTestId('scale-button-reply-consumer');
    await expect.poll(() => button.isEnabled().catch(() => false), { timeout: 90_000, interval: 500 }).toBe(true);
    await button.click();
    await expect
      .poll(() => page.getByTestId('scale-preview-counts').textContent(), { timeout: 15_000 })
      .toMatch(/^3 → \d+$/);
    const to = Number((await page.getByTestId('scale-preview-counts').textContent())!.split('→')[1]);
    expect(to).toBeGreaterThan(3);
    await page.getByTestId('scale-reason').fill('reply queue starving: 3 consumers cannot keep up');
    if (await page.getByTestId('scale-confirm').count()) await page.getByTestId('scale-confirm').fill('reply-consumer');
    await page.screenshot({ path: screenshotPath('scale-dialog'), fullPage: true });
    await page.getByTestId('scale-submit').click();
    await expect
      .poll(() => page.getByTestId('scale-result').textContent(), { timeout: 20_000 })
      .toContain(`Scaled from 3 to ${to}`);

    const scaled = await waitFor(
      async () =>
        JobScaleStatusSchema.parse(await (await nomadFetch(layout, '/v1/job/api/scale')).json()).TaskGroups[
          'reply-consumer'
        ]!,
      (g) => g.Desired === to && g.Running === to,
      30_000,
      `${to} reply consumers running`,
    );
    expect(scaled.Events![0]!.Message).toBe('warroom: olivia: reply queue starving: 3 consumers cannot keep up');
    await waitFor(
      () => loadgenStats(layout, 5),
      (s) => s.window.count >= 20 && s.window.p90Ms! < 3000,
      90_000,
      'client p90 back under 3 s',
    );

    await page.goto(`${dashboardUrl(layout)}/audit`);
    const row = page.getByTestId('audit-row').first();
    expect(await row.getAttribute('data-outcome')).toBe('succeeded');
    expect(await row.getByTestId('audit-actor').textContent()).toContain('olivia');
    expect(await row.getByTestId('audit-reason').textContent()).toBe(
      'reply queue starving: 3 consumers cannot keep up',
    );
    await page.screenshot({ path: screenshotPath('audit-log'), fullPage: true });
    await page.context().close();
  });

  it('a viewer sees the Scale button disabled, with the reason', async () => {
    const page = await signInPage(browser(), layout, 'viewer');
    await page.getByTestId('stage-node-reply-consumers').click();
    const button = page.getByTestId('scale-button-reply-consumer');
    await expect.poll(() => button.isDisabled(), { timeout: 15_000 }).toBe(true);
    expect(await page.getByTestId('scale-disabled-reason').first().textContent()).toBe(
      'victor is a viewer: scaling needs the operator role',
    );
    await page.context().close();
  });
});
