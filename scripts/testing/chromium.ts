import { chromium, type Browser } from 'playwright-core';

/**
 * Debian's Chromium through playwright-core (browser downloads fail on this machine kind). The
 * flags keep it from reaching for the network and from needing a sandbox as root. Used by the
 * e2e tests and by the benchmarks.
 */
export async function launchChromium(): Promise<Browser> {
  return chromium.launch({
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
  });
}
