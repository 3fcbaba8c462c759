import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { dashboardUrl, stackSecrets, type StackLayout } from '../scripts/stack';
import { demoUsers } from '../scripts/stack/dashboard';
import { repoRoot } from '../scripts/stack/paths';

export { launchChromium } from '../scripts/testing/chromium';

/** Screenshots go under the ignored state folder, one per test, for a person to look at. */
export function screenshotPath(name: string): string {
  const dir = path.join(repoRoot, '.warroom', 'test', 'screenshots');
  mkdirSync(dir, { recursive: true });
  return path.join(dir, `${name}.png`);
}

/** A fresh browser context signed in through the sign-in page as the demo user of `role`. */
export async function signInPage(browser: Browser, layout: StackLayout, role: keyof typeof demoUsers): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1440, height: 1000 } });
  const page = await context.newPage();
  await page.goto(`${dashboardUrl(layout)}/sign-in`);
  await page.getByTestId('sign-in-name').fill(demoUsers[role]);
  await page.getByTestId('sign-in-password').fill(stackSecrets(layout).users[role]);
  await page.getByTestId('sign-in-submit').click();
  await expect.poll(() => page.getByTestId('current-user').getAttribute('data-role'), { timeout: 15_000 }).toBe(role);
  return page;
}
