import { expect, test, type Locator, type Page } from '@playwright/test';
import { setScenario, stackLayout } from '../scripts/stack';
import { closeActiveIncidents } from '../scripts/testing/dashboard-client';
import { topology, waitFor } from '../scripts/testing/demo-client';
import { resetPipelineAround, screenshotPath, seriousA11yViolations, signIn } from './browser';

/**
 * On call from a phone: at 390 px wide, during the demo's reply starvation, the banner, the
 * recommendation, the Scale dialog and the incident controls are on screen and usable, by touch
 * and by keyboard, in the system's dark and light themes, with no serious or critical axe-core
 * violation; and the same pages pass axe at desktop width. The @phone test runs in the phone
 * project (390x844, touch, playwright.config.ts), the other in the desktop one.
 */
const layout = stackLayout('test');
const phoneWidth = 390;
resetPipelineAround(layout, {
  before: async () => {
    await waitFor(
      () => topology(layout),
      (s) => s.bottleneck === null,
      120_000,
      'no bottleneck',
      1000,
    );
    await closeActiveIncidents(layout);
  },
  // The suggested incident this file leaves is not the next file's.
  after: () => closeActiveIncidents(layout),
});

/** Wider than the screen is the phone failure: a sideways scroll hides half of every line. */
const pageWidth = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth);

/** The element lies inside the viewport's width (it may be below the fold: the page scrolls down). */
async function withinWidth(el: Locator, width: number): Promise<boolean> {
  const box = await el.boundingBox();
  return box !== null && box.x >= 0 && box.x + box.width <= width + 0.5;
}

const activeInside = (page: Page, testId: string) =>
  page.evaluate(
    (id) => document.querySelector(`[data-testid="${id}"]`)?.contains(document.activeElement) ?? false,
    testId,
  );

test.describe('on call from a phone', () => {
  test(
    'banner, recommendation, Scale dialog and incident controls fit 390 px, work by keyboard, and pass axe in both themes',
    { tag: '@phone' },
    async ({ page }) => {
      // Its own waits add up to more than the default 120 s (the bottleneck up to 90 s, the
      // suggested incident up to 60 s, four axe runs), which a busy machine overran.
      test.setTimeout(300_000);
      expect(page.viewportSize()?.width, 'the phone project').toBe(phoneWidth);
      await setScenario(layout, 'reply-starvation');
      await signIn(page, 'operator');
      // Headless Chromium reports a light system theme unless told: the dark one is the default look.
      await page.emulateMedia({ colorScheme: 'dark' });
      const button = page.getByTestId('scale-button-reply-consumer');
      await expect(button).toBeEnabled({ timeout: 90_000 });

      for (const id of [
        'bottleneck-banner',
        'bottleneck-recommendation',
        'scale-button-reply-consumer',
        'topology-canvas',
      ])
        expect(await withinWidth(page.getByTestId(id), phoneWidth), id).toBe(true);
      expect(await pageWidth(page)).toBeLessThanOrEqual(phoneWidth);
      expect(await page.evaluate(() => getComputedStyle(document.body).backgroundColor)).toBe('rgb(11, 15, 20)');
      await page.screenshot({ path: screenshotPath('phone-live-dark'), fullPage: true });
      expect(await seriousA11yViolations(page)).toEqual([]);

      // The dialog by keyboard: Enter on the focused button opens it, focus starts inside and stays
      // inside however far Tab goes, Escape closes it and gives the focus back to the button.
      await button.focus();
      await page.keyboard.press('Enter');
      const dialog = page.getByTestId('scale-dialog');
      await expect(dialog).toBeVisible({ timeout: 10_000 });
      await expect(page.getByTestId('scale-preview-counts')).toHaveText(/→/, { timeout: 15_000 });
      expect(await withinWidth(dialog, phoneWidth)).toBe(true);
      expect(await activeInside(page, 'scale-dialog')).toBe(true);
      for (let i = 0; i < 12; i++) {
        await page.keyboard.press(i % 4 === 3 ? 'Shift+Tab' : 'Tab');
        expect(await activeInside(page, 'scale-dialog'), `focus after key ${i + 1}`).toBe(true);
      }
      await page.getByTestId('scale-reason').fill('phone check: not submitted');
      expect(await withinWidth(page.getByTestId('scale-submit'), phoneWidth)).toBe(true);
      await page.screenshot({ path: screenshotPath('phone-scale-dialog') });
      expect(await seriousA11yViolations(page)).toEqual([]);
      await page.keyboard.press('Escape');
      await expect(dialog).toHaveCount(0);
      await expect(button).toBeFocused();

      // The light theme follows the system's setting, and keeps its contrast.
      await page.emulateMedia({ colorScheme: 'light' });
      const surface = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
      expect(surface).toBe('rgb(245, 247, 250)');
      await page.screenshot({ path: screenshotPath('phone-live-light'), fullPage: true });
      expect(await seriousA11yViolations(page)).toEqual([]);
      await page.emulateMedia({ colorScheme: 'dark' });

      // warroom suggests an incident for the starvation; its controls work on the phone too.
      const link = page.getByTestId('active-incident-link');
      await expect(link).toBeVisible({ timeout: 60_000 });
      expect(await withinWidth(link, phoneWidth)).toBe(true);
      await link.tap();
      await page.waitForURL(/\/incidents\/\d+$/);
      const take = page.getByTestId('take-charge');
      await expect(take).toBeVisible({ timeout: 15_000 });
      expect(await withinWidth(take, phoneWidth)).toBe(true);
      const move = page.getByTestId('move-investigating');
      expect(await withinWidth(move, phoneWidth)).toBe(true);
      await move.tap();
      expect(await withinWidth(page.getByTestId('move-form'), phoneWidth)).toBe(true);
      expect(await withinWidth(page.getByTestId('move-confirm'), phoneWidth)).toBe(true);
      expect(await pageWidth(page)).toBeLessThanOrEqual(phoneWidth);
      await page.screenshot({ path: screenshotPath('phone-incident'), fullPage: true });
      expect(await seriousA11yViolations(page)).toEqual([]);
    },
  );

  test('the live page and the incidents list pass axe at desktop width in both themes', async ({ page }) => {
    await signIn(page, 'viewer');
    for (const scheme of ['dark', 'light'] as const) {
      await page.emulateMedia({ colorScheme: scheme });
      for (const path of ['/', '/incidents']) {
        await page.goto(path);
        await page.getByTestId('app-header').waitFor();
        await page.waitForTimeout(1000);
        expect(await seriousA11yViolations(page), `${path} in ${scheme}`).toEqual([]);
      }
    }
  });
});
