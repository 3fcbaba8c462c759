import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pipelineUrls, setScenario, stackLayout, startRabbit, stopRabbit } from '../../scripts/stack';
import { sleep } from '../../scripts/stack/processes';
import { loadgenStats, queueState, resetPipeline, waitFor } from '../../scripts/testing/demo-client';
import { recordFigures } from '../../scripts/testing/figures';

/**
 * RabbitMQ killed (by PID) in the middle of traffic and started again: every demo process
 * reconnects on its own, with backoff, and requests flow again without restarting anything.
 */
const layout = stackLayout('test');

beforeAll(async () => {
  await resetPipeline(layout);
});
afterAll(async () => {
  await startRabbit(layout);
  await resetPipeline(layout);
});

describe('broker restart', () => {
  it('the API, ML workers and reply consumers reconnect by themselves and the pipeline resumes', async () => {
    await setScenario(layout, 'steady');
    await sleep(5000);
    expect((await loadgenStats(layout, 5)).window.count).toBeGreaterThan(5);

    await stopRabbit(layout);
    const downAtMs = Date.now();
    const apiHealth = await fetch(`${pipelineUrls(layout).api}/healthz`);
    expect(apiHealth.status).toBe(503);
    await sleep(5000);

    await startRabbit(layout);
    const upAtMs = Date.now();
    await waitFor(
      async () => (await fetch(`${pipelineUrls(layout).api}/healthz`)).status,
      (s) => s === 200,
      60_000,
      'the API to reconnect',
    );
    await waitFor(
      () => queueState(layout, 'ml.requests'),
      (q) => q.consumers === 10,
      60_000,
      'all 10 ML workers to reconsume',
    );
    await waitFor(
      () => queueState(layout, 'api.replies'),
      (q) => q.consumers === 3,
      60_000,
      'all 3 reply consumers to reconsume',
    );
    // Requests held through the outage are answered late once the broker is back; the pipeline has
    // resumed when fresh requests complete within the SLO again.
    const resumed = await waitFor(
      () => loadgenStats(layout, 5),
      (s) => s.window.count - s.window.failed >= 10 && s.window.failed === 0 && s.window.p90Ms! < 3000,
      90_000,
      'requests to succeed within the SLO again',
    );
    expect(resumed.window.p90Ms!).toBeLessThan(3000);
    recordFigures('broker-restart', {
      brokerDownSec: Math.round((upAtMs - downAtMs) / 1000),
      resumedAfterBrokerUpSec: Math.round((Date.now() - upAtMs) / 1000),
    });
  });
});
