import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { dashboardUrl, rabbitManagementUrl, prometheusUrl, stackLayout, stackSecrets } from '../scripts/stack';
import { launchChromium, screenshotPath, signInPage } from './browser';

const layout = stackLayout('test');
let browser: Browser;

beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
});

describe('first page', () => {
  it('shows an anonymous viewer the pipeline and which sources are configured, but not where they are', async () => {
    const page = await browser.newPage();
    const violations: string[] = [];
    page.on('console', (m) => {
      if (/Content Security Policy/i.test(m.text())) violations.push(m.text());
    });
    const response = await page.goto(dashboardUrl(layout));
    expect(response?.status()).toBe(200);
    expect(response?.headers()['content-security-policy']).toMatch(/script-src 'self' 'nonce-[^']+' 'strict-dynamic'/);
    expect(response?.headers()['content-security-policy']).toContain("frame-ancestors 'none'");

    await expect.poll(() => page.getByTestId('app-alive').textContent()).toContain('server up since');
    expect(await page.getByTestId('pipeline-name').textContent()).toBe('demo-kyc');
    // Hydrated under the nonce-based policy: the live stream has replaced the server's snapshot.
    await expect
      .poll(() => page.getByTestId('stream-state').getAttribute('data-state'), { timeout: 15_000 })
      .toBe('live');
    expect(violations).toEqual([]);

    for (const kind of ['rabbitmq', 'prometheus', 'nomad']) {
      expect(await page.getByTestId(`source-${kind}`).getAttribute('data-configured')).toBe('true');
      expect(await page.getByTestId(`source-${kind}-url`).count()).toBe(0);
    }
    const html = await page.content();
    expect(html).not.toContain(rabbitManagementUrl(layout));
    expect(html).not.toContain('warroom.yaml');
    await page.close();
  });

  it('shows a signed-in viewer each configured source without its secrets', async () => {
    const page = await signInPage(browser, layout, 'viewer');
    await page.goto(dashboardUrl(layout));
    expect(await page.getByTestId('source-rabbitmq-url').textContent()).toBe(rabbitManagementUrl(layout));
    expect(await page.getByTestId('source-prometheus-url').textContent()).toBe(prometheusUrl(layout));
    expect(await page.getByTestId('source-nomad-url').textContent()).toBe(`http://127.0.0.1:${layout.ports.nomad}`);
    expect(await page.getByTestId('source-nomad').textContent()).toContain('credentials set');

    const html = await page.content();
    const secrets = stackSecrets(layout);
    for (const secret of [secrets.rabbitPassword, secrets.nomadToken, secrets.postgresPassword]) {
      expect(html).not.toContain(secret);
    }
    await page.screenshot({ path: screenshotPath('first-page'), fullPage: true });
    await page.close();
  });

  it('answers the health endpoint with the loaded configuration', async () => {
    const res = await fetch(`${dashboardUrl(layout)}/api/health`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { status: string; config: string; pipeline: string };
    expect(body).toMatchObject({ status: 'ok', config: 'loaded', pipeline: 'demo-kyc' });
  });
});
