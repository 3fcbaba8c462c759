import { chromium, type Browser, type LaunchOptions } from 'playwright-core';

/**
 * Debian's Chromium (browser downloads fail on this machine kind). The flags keep it from reaching
 * for the network and from needing a sandbox as root. Used by the e2e tests (playwright.config.ts)
 * and by the benchmarks (launchChromium).
 */
export const chromiumLaunchOptions: LaunchOptions = {
  executablePath: process.env.WARROOM_CHROMIUM ?? '/usr/bin/chromium',
  args: [
    '--headless',
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--no-first-run',
  ],
};

/** Chromium through playwright-core, for scripts that drive it outside Playwright Test. */
export async function launchChromium(): Promise<Browser> {
  return chromium.launch(chromiumLaunchOptions);
}
