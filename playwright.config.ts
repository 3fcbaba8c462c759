import { defineConfig } from '@playwright/test';
import { dashboardUrl, stackLayout } from './scripts/stack';
import { chromiumLaunchOptions } from './scripts/testing/chromium';
import { e2eOutput } from './scripts/testing/e2e-paths';

/**
 * The end-to-end tier: e2e/*.e2e.ts on Playwright Test, in Debian's Chromium, against the test
 * profile's stack, demo pipeline and production build (the global setups start what
 * scripts/run-tests.ts has not already started, and stop only that).
 *
 * How to write an e2e test here:
 *  - a file e2e/<name>.e2e.ts: `import { test, expect } from '@playwright/test'`, then
 *    `test.describe('...', () => { test('...', async ({ page, browser, request }) => { ... }) })`;
 *  - `page` is a fresh anonymous context of the project's size; `await signIn(page, 'operator')`
 *    (e2e/browser.ts) signs it in; a second user is `await signInPage(browser, 'viewer')`; paths
 *    are relative to baseURL (`page.goto('/incidents')`, `request.get('/api/health')`);
 *  - select by data-testid and assert with retrying locator assertions
 *    (`await expect(page.getByTestId('x')).toHaveAttribute('data-state', 'live', { timeout: 15_000 })`);
 *    for a value that is not on the page, `expect.poll(fn, { timeout, intervals: [500] })`;
 *  - a file that changes the demo pipeline (scenario, worker counts) calls
 *    `resetPipelineAround(layout, { before, after })` (e2e/browser.ts) at its top, so the next file
 *    starts from the default;
 *  - tests of one file run in order on one worker; tests that share a page across tests need
 *    `test.describe.configure({ mode: 'serial' })` (see e2e/topology.e2e.ts);
 *  - a test for a phone screen gets `{ tag: '@phone' }`: the phone project runs those only, the
 *    desktop project everything else.
 * On failure the trace, a screenshot of every open page and the error land in
 * .warroom/test/playwright/results/<test>/, and the HTML report in .warroom/test/playwright/report/
 * (`npx playwright show-report .warroom/test/playwright/report`, or
 * `npx playwright show-trace <trace.zip>`).
 */
export default defineConfig({
  testDir: 'e2e',
  testMatch: '**/*.e2e.ts',
  // One stack and one demo pipeline for every test, whose scenario the tests change: one at a time.
  workers: 1,
  fullyParallel: false,
  retries: 0,
  forbidOnly: !!process.env.CI,
  // A test waits up to 90 s for a bottleneck to show and as long for recovery; the hooks that
  // reset the pipeline and wait for it to be healthy set their own 180 s (e2e/browser.ts).
  timeout: 120_000,
  expect: { timeout: 5_000 },
  globalSetup: ['./scripts/testing/stack-global-setup.ts', './scripts/testing/dashboard-global-setup.ts'],
  outputDir: e2eOutput.results,
  reporter: [
    ['list'],
    ['html', { outputFolder: e2eOutput.htmlReport, open: 'never' }],
    ['json', { outputFile: e2eOutput.jsonReport }],
  ],
  use: {
    baseURL: dashboardUrl(stackLayout('test')),
    launchOptions: chromiumLaunchOptions,
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
    video: 'off',
  },
  projects: [
    {
      name: 'desktop',
      grepInvert: /@phone/,
      use: { browserName: 'chromium', viewport: { width: 1440, height: 1000 } },
    },
    {
      name: 'phone',
      grep: /@phone/,
      use: {
        browserName: 'chromium',
        viewport: { width: 390, height: 844 },
        isMobile: true,
        hasTouch: true,
        deviceScaleFactor: 2,
      },
    },
  ],
});
