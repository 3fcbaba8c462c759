import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { repoRoot } from '../scripts/stack/paths';

/**
 * Debian's Chromium through playwright-core (browser downloads fail on this machine kind). The
 * flags keep it from reaching for the network and from needing a sandbox as root.
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

/** Screenshots go under the ignored state folder, one per test, for a person to look at. */
export function screenshotPath(name: string): string {
  const dir = path.join(repoRoot, '.warroom', 'test', 'screenshots');
  mkdirSync(dir, { recursive: true });
  return path.join(dir, `${name}.png`);
}
