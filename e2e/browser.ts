import { mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { afterAll, beforeAll, expect } from 'vitest';
import type { Browser, BrowserContextOptions, Page } from 'playwright-core';
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
export async function signInPage(
  browser: Browser,
  layout: StackLayout,
  role: keyof typeof demoUsers,
  context: BrowserContextOptions = { viewport: { width: 1440, height: 1000 } },
): Promise<Page> {
  const page = await (await browser.newContext(context)).newPage();
  await page.goto(`${dashboardUrl(layout)}/sign-in`);
  await page.getByTestId('sign-in-name').fill(demoUsers[role]);
  await page.getByTestId('sign-in-password').fill(stackSecrets(layout).users[role]);
  await page.getByTestId('sign-in-submit').click();
  await expect.poll(() => page.getByTestId('current-user').getAttribute('data-role'), { timeout: 15_000 }).toBe(role);
  return page;
}

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/**
 * The serious and critical accessibility violations axe-core finds on the page as it is now (WCAG
 * 2.1 A and AA rules), one line each: rule, impact, the first offending elements. Injected through
 * the DevTools protocol, which the page's Content Security Policy does not govern.
 */
export async function seriousA11yViolations(page: Page): Promise<string[]> {
  await page.evaluate(axeSource);
  const violations = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run: (ctx: unknown, opts: unknown) => Promise<AxeResults> } }).axe;
    type AxeResults = {
      violations: Array<{ id: string; impact: string | null; nodes: Array<{ target: unknown[] }> }>;
    };
    const r = await axe.run(document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] },
      resultTypes: ['violations'],
    });
    return r.violations.map((v) => ({ id: v.id, impact: v.impact, targets: v.nodes.slice(0, 3).map((n) => n.target) }));
  });
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${JSON.stringify(v.targets)}`);
}
