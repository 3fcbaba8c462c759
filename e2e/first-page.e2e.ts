import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { dashboardUrl, rabbitManagementUrl, prometheusUrl, stackLayout, stackSecrets } from '../scripts/stack';
import { launchChromium, screenshotPath } from './browser';

const layout = stackLayout('test');
let browser: Browser;

beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
});

describe('first page', () => {
  it('shows the app is alive, the pipeline, and each configured source without its secrets', async () => {
    const page = await browser.newPage();
    const response = await page.goto(dashboardUrl(layout));
    expect(response?.status()).toBe(200);

    await expect.poll(() => page.getByTestId('app-alive').textContent()).toContain('server up since');
    expect(await page.getByTestId('pipeline-name').textContent()).toBe('demo-kyc');

    for (const kind of ['rabbitmq', 'prometheus', 'nomad']) {
      expect(await page.getByTestId(`source-${kind}`).getAttribute('data-configured')).toBe('true');
    }
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
