import { expect, test } from '@playwright/test';
import { setScenario, stackLayout } from '../scripts/stack';
import { scaleGroup, topology, waitFor } from '../scripts/testing/demo-client';
import { replyQueueReady, resetPipelineAround, screenshotPath, signInPage } from './browser';

const layout = stackLayout('test');
resetPipelineAround(layout);

test.describe('a link to a moment', () => {
  test('opened later by a viewer in a fresh browser, shows the reply queue flagged as it was, while the live pipeline is healthy', async ({
    page: live,
    browser,
    request,
  }) => {
    await setScenario(layout, 'reply-starvation');
    await live.goto('/');
    await expect(live.getByTestId('bottleneck-banner')).toHaveAttribute('data-stage', 'reply-consumers', {
      timeout: 90_000,
    });
    await waitFor(
      () => topology(layout),
      (s) => (s.stages.find((st) => st.id === 'reply-queue')?.queue?.ready ?? 0) > 80,
      60_000,
      'a deeper queue',
    );
    await live.waitForTimeout(1500);
    await live.getByTestId('copy-link').click();
    const link = (await live.getByTestId('copied-link').textContent())!;
    expect(link).toMatch(/\?at=/);
    await live.close();

    await scaleGroup(layout, 'api', 'reply-consumer', 30, 'replay test: fix');
    await setScenario(layout, 'steady');
    await waitFor(
      () => topology(layout),
      (s) => s.bottleneck === null,
      90_000,
      'the live pipeline to be healthy',
      1000,
    );

    const page = await signInPage(browser, 'viewer');
    await page.goto(link);
    await expect(page.getByTestId('replay-banner')).toBeVisible({ timeout: 15_000 });
    await expect(page.getByTestId('bottleneck-banner')).toHaveAttribute('data-stage', 'reply-consumers');
    await expect(page.getByTestId('stage-node-reply-queue')).toHaveAttribute('data-bottleneck', 'true');
    // The past is read-only: what was recommended then is shown, with no action on it, not even
    // in a stage's panel; the way back to live is a button.
    await expect(page.getByTestId('bottleneck-recommendation')).toBeVisible();
    await expect(page.getByTestId('replay-no-actions')).toBeVisible();
    await page.getByTestId('stage-node-reply-consumers').click();
    await expect(page.getByTestId('stage-side-panel')).toBeVisible({ timeout: 10_000 });
    await expect(page.locator('[data-testid^="scale-button-"]')).toHaveCount(0);
    await expect(page.getByTestId('back-to-live')).toBeVisible();
    const readyReplayed = await replyQueueReady(page);
    expect(readyReplayed).toBeGreaterThan(50);
    // Exactly the stored snapshot current at that moment (stored at most 5 s before it, so within
    // a few seconds' growth of what the live page showed when the link was copied).
    const at = new URL(link).searchParams.get('at')!;
    const stored = (await (await request.get(`/api/topology?at=${encodeURIComponent(at)}`)).json()) as {
      generatedAt: string;
      stages: Array<{ id: string; queue?: { ready: number } }>;
    };
    expect(readyReplayed).toBe(stored.stages.find((s) => s.id === 'reply-queue')!.queue!.ready);
    // ... polled at or before the moment, within one storing interval (5 s) of it.
    const behindMs = Date.parse(at) - Date.parse(stored.generatedAt);
    expect(behindMs).toBeGreaterThanOrEqual(0);
    expect(behindMs).toBeLessThanOrEqual(5000 + 1000);
    // The replay stays put: no live update replaces it.
    // (Read once, not retried: a retrying assertion would wait for a replaced banner to come back.)
    await page.waitForTimeout(3000);
    expect(await page.getByTestId('bottleneck-banner').getAttribute('data-stage')).toBe('reply-consumers');
    expect((await topology(layout)).bottleneck).toBeNull();
    await page.screenshot({ path: screenshotPath('replay'), fullPage: true });
    // Closed, so that it does not render on beside the next files' pages (the browser is shared).
    await page.context().close();
  });
});
