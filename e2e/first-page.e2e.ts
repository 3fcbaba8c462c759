import { expect, test } from '@playwright/test';
import { rabbitManagementUrl, prometheusUrl, stackLayout, stackSecrets } from '../scripts/stack';
import { screenshotPath, signIn } from './browser';

const layout = stackLayout('test');

test.describe('first page', () => {
  test('shows an anonymous viewer the pipeline and which sources are configured, but not where they are', async ({
    page,
  }) => {
    const violations: string[] = [];
    page.on('console', (m) => {
      if (/Content Security Policy/i.test(m.text())) violations.push(m.text());
    });
    const response = await page.goto('/');
    expect(response?.status()).toBe(200);
    expect(response?.headers()['content-security-policy']).toMatch(/script-src 'self' 'nonce-[^']+' 'strict-dynamic'/);
    expect(response?.headers()['content-security-policy']).toContain("frame-ancestors 'none'");

    await expect(page.getByTestId('app-alive')).toContainText('server up since');
    await expect(page.getByTestId('pipeline-name')).toHaveText('demo-kyc');
    // Hydrated under the nonce-based policy: the live stream has replaced the server's snapshot.
    await expect(page.getByTestId('stream-state')).toHaveAttribute('data-state', 'live', { timeout: 15_000 });
    expect(violations).toEqual([]);

    for (const kind of ['rabbitmq', 'prometheus', 'nomad']) {
      await expect(page.getByTestId(`source-${kind}`)).toHaveAttribute('data-configured', 'true');
      await expect(page.getByTestId(`source-${kind}-url`)).toHaveCount(0);
    }
    const html = await page.content();
    expect(html).not.toContain(rabbitManagementUrl(layout));
    expect(html).not.toContain('warroom.yaml');
  });

  test('shows a signed-in viewer each configured source without its secrets', async ({ page }) => {
    await signIn(page, 'viewer');
    await page.goto('/');
    await expect(page.getByTestId('source-rabbitmq-url')).toHaveText(rabbitManagementUrl(layout));
    await expect(page.getByTestId('source-prometheus-url')).toHaveText(prometheusUrl(layout));
    await expect(page.getByTestId('source-nomad-url')).toHaveText(`http://127.0.0.1:${layout.ports.nomad}`);
    await expect(page.getByTestId('source-nomad')).toContainText('credentials set');

    const html = await page.content();
    const secrets = stackSecrets(layout);
    for (const secret of [secrets.rabbitPassword, secrets.nomadToken, secrets.postgresPassword]) {
      expect(html).not.toContain(secret);
    }
    await page.screenshot({ path: screenshotPath('first-page'), fullPage: true });
  });

  test('answers the health endpoint with the loaded configuration', async ({ request }) => {
    const res = await request.get('/api/health');
    expect(res.status()).toBe(200);
    const body = (await res.json()) as { status: string; config: string; pipeline: string };
    expect(body).toMatchObject({ status: 'ok', config: 'loaded', pipeline: 'demo-kyc' });
  });
});
