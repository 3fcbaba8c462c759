import { describe, expect, it } from 'vitest';
import { setScenario, stackLayout } from '../../scripts/stack';
import { sleep } from '../../scripts/stack/processes';
import { loadgenStats, promScalar, queueState, scaleGroup, waitFor } from '../../scripts/testing/demo-client';
import { resetPipelineAround } from '../../scripts/testing/pipeline-hooks';
import { recordFigures } from '../../scripts/testing/figures';
import { demoGroups, demoJobIds } from '../jobs';

/**
 * The source incident on real software: traffic grows, the ML workers stay fast with an empty
 * queue, the 3 API-side reply consumers fall behind and client latency climbs past the 3 s SLO;
 * raising the consumers to 30 brings it back. Every figure is measured: the client's own
 * percentiles, the inference histogram through Prometheus, the queues through the broker.
 */
const layout = stackLayout('test');
const sloMs = 3000;
const inferenceP90 = (window: string) =>
  promScalar(layout, `histogram_quantile(0.9, sum by (le) (rate(demo_inference_duration_seconds_bucket[${window}])))`);

resetPipelineAround(layout);

describe('reply-starvation scenario', () => {
  it('starves the reply queue, not the ML workers, and recovers when the reply consumers are scaled', async () => {
    await setScenario(layout, 'steady');
    await sleep(40_000);
    const steady = await loadgenStats(layout, 35);
    const steadyInferenceP90Sec = await inferenceP90('35s');
    expect(steady.window.count).toBeGreaterThan(50);
    expect(steady.window.failed).toBe(0);
    const steadyP90Ms = steady.window.p90Ms!;
    expect(steadyP90Ms).toBeLessThan(sloMs);
    expect(steadyInferenceP90Sec).not.toBeNull();

    await setScenario(layout, 'reply-starvation');
    const starvedFromMs = Date.now();
    const mlReadySamples: number[] = [];
    const starved = await waitFor(
      async () => {
        mlReadySamples.push((await queueState(layout, 'ml.requests')).ready);
        return loadgenStats(layout, 10);
      },
      (s) => s.window.count >= 20 && s.window.p90Ms! > Math.max(sloMs, 5 * steadyP90Ms),
      150_000,
      `client p90 above ${Math.max(sloMs, 5 * steadyP90Ms)} ms`,
      2000,
    );
    const starvedAfterSec = (Date.now() - starvedFromMs) / 1000;
    const starvedInferenceP90Sec = await inferenceP90('30s');
    const replyQueue = await queueState(layout, 'api.replies');
    const mlQueue = await queueState(layout, 'ml.requests');

    // The time piles up in the reply queue while the ML stage is as fast as before and near empty.
    expect(starved.window.p90Ms!).toBeGreaterThan(sloMs);
    expect(starved.window.p90Ms!).toBeGreaterThanOrEqual(5 * steadyP90Ms);
    expect(starvedInferenceP90Sec!).toBeLessThanOrEqual(1.5 * steadyInferenceP90Sec!);
    expect(replyQueue.ready).toBeGreaterThan(50);
    expect(replyQueue.consumers).toBe(3);
    expect(Math.max(...mlReadySamples)).toBeLessThan(20);

    await scaleGroup(layout, demoJobIds.api, demoGroups.replyConsumer, 30, 'reply queue starved: 3 -> 30 consumers');
    const scaledAtMs = Date.now();
    const recovered = await waitFor(
      () => loadgenStats(layout, 5),
      (s) => s.window.count >= 20 && s.window.p90Ms! < sloMs,
      60_000,
      'client p90 back under the SLO',
    );
    const recoverSec = (Date.now() - scaledAtMs) / 1000;
    expect(recoverSec).toBeLessThanOrEqual(60);
    // The broker's own statistics lag by up to 5 s; wait for them to count the new consumers.
    await waitFor(
      () => queueState(layout, 'api.replies'),
      (q) => q.consumers === 30,
      30_000,
      '30 consumers on the reply queue',
    );

    recordFigures('reply-starvation', {
      steadyClientP90Ms: steadyP90Ms,
      steadyInferenceP90Ms: Math.round(steadyInferenceP90Sec! * 1000),
      starvedClientP90Ms: starved.window.p90Ms!,
      starvedInferenceP90Ms: Math.round(starvedInferenceP90Sec! * 1000),
      starvedAfterSec: Math.round(starvedAfterSec),
      replyQueueReadyWhenStarved: replyQueue.ready,
      mlQueueReadyMaxWhileStarved: Math.max(...mlReadySamples),
      mlQueueReadyWhenStarved: mlQueue.ready,
      recoveredClientP90Ms: recovered.window.p90Ms!,
      timeToRecoverSec: Math.round(recoverSec * 10) / 10,
    });
  });
});
