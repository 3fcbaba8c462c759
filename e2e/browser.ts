import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, expect } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '../scripts/testing/chromium';
import { resetPipelineAround } from '../scripts/testing/pipeline-hooks';
import { dashboardUrl, stackSecrets, type StackLayout } from '../scripts/stack';
import { demoUsers } from '../scripts/stack/dashboard';
import { repoRoot } from '../scripts/stack/paths';

export { launchChromium };

/**
 * The preamble of the tests that drive the demo pipeline: reset it and launch Chromium before the
 * file, close Chromium and reset it again after. `before`/`after` run inside, between the reset
 * and the browser. Returns the browser (once the hooks have run).
 */
export function pipelineBrowser(
  layout: StackLayout,
  hooks: { before?: () => Promise<void>; after?: () => Promise<void> } = {},
): () => Browser {
  let browser: Browser | undefined;
  resetPipelineAround(layout);
  beforeAll(async () => {
    await hooks.before?.();
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await hooks.after?.();
  });
  return () => {
    if (!browser) throw new Error('Chromium is not launched yet: call the returned function inside a test');
    return browser;
  };
}

/** The ready count shown on the reply queue's node ("1,234 / 3" -> 1234). */
export async function replyQueueReady(page: Page): Promise<number> {
  return Number((await page.getByTestId('stage-reply-queue-ready').textContent())!.split('/')[0]!.replace(/,/g, ''));
}

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
