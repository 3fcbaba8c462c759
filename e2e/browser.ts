import { mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { expect, test, type Browser, type Page } from '@playwright/test';
import { stackLayout, stackSecrets, type StackLayout } from '../scripts/stack';
import { demoUsers } from '../scripts/stack/dashboard';
import { repoRoot } from '../scripts/stack/paths';
import { resetPipeline } from '../scripts/testing/demo-client';

/** The reset and the waits for a healthy pipeline take longer than a test's 120 s on a loaded machine. */
const pipelineHookTimeoutMs = 180_000;

/**
 * For a file that changes the demo pipeline (scenario, worker counts): reset it before the file's
 * tests and again after, so the next file starts from the default (the Playwright twin of
 * scripts/testing/pipeline-hooks.ts). `before` runs after the first reset, `after` before the
 * last. Call it at the top of the file (or of its describe); Playwright runs the hooks again on
 * the fresh worker it starts after a failed test.
 */
export function resetPipelineAround(
  layout: StackLayout,
  hooks: { before?: () => Promise<void>; after?: () => Promise<void> } = {},
): void {
  const { before, after } = hooks;
  test.beforeAll('reset the demo pipeline', async () => {
    test.setTimeout(pipelineHookTimeoutMs);
    await resetPipeline(layout);
  });
  if (before)
    test.beforeAll('prepare the pipeline', async () => {
      test.setTimeout(pipelineHookTimeoutMs);
      await before();
    });
  // Playwright runs afterAll hooks in the order they are declared.
  if (after)
    test.afterAll('tidy the pipeline', async () => {
      test.setTimeout(pipelineHookTimeoutMs);
      await after();
    });
  test.afterAll('reset the demo pipeline', async () => {
    test.setTimeout(pipelineHookTimeoutMs);
    await resetPipeline(layout);
  });
}

/** The ready count shown on the reply queue's node ("1,234 / 3" -> 1234). */
export async function replyQueueReady(page: Page): Promise<number> {
  return Number((await page.getByTestId('stage-reply-queue-ready').textContent())!.split('/')[0]!.replace(/,/g, ''));
}

/**
 * Screenshots a person looks at after a green run go under the ignored state folder, one per
 * name (a failing test's own screenshot and trace are Playwright's, in its results folder).
 */
export function screenshotPath(name: string): string {
  const dir = path.join(repoRoot, '.warroom', 'test', 'screenshots');
  mkdirSync(dir, { recursive: true });
  return path.join(dir, `${name}.png`);
}

/** Signs `page` in through the sign-in page as the demo user of `role`, and waits until it shows. */
export async function signIn(page: Page, role: keyof typeof demoUsers): Promise<void> {
  await page.goto('/sign-in');
  await page.getByTestId('sign-in-name').fill(demoUsers[role]);
  await page.getByTestId('sign-in-password').fill(stackSecrets(stackLayout('test')).users[role]);
  await page.getByTestId('sign-in-submit').click();
  await expect(page.getByTestId('current-user')).toHaveAttribute('data-role', role, { timeout: 15_000 });
}

/**
 * A second (third...) user beside the test's `page`: a fresh context of the project's size and
 * options (Playwright Test gives `browser.newContext()` the project's `use`), signed in as `role`.
 * Its trace and failure screenshot are kept with the test's.
 */
export async function signInPage(browser: Browser, role: keyof typeof demoUsers): Promise<Page> {
  const page = await (await browser.newContext()).newPage();
  await signIn(page, role);
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
