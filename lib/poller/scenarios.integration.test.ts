import amqp from 'amqplib';
import { describe, expect, it } from 'vitest';
import { rabbitAmqpUrl, stackLayout } from '../../scripts/stack';
import { sleep } from '../../scripts/stack/processes';
import { resetPipeline, topology, waitFor } from '../../scripts/testing/demo-client';
import { resetPipelineAround } from '../../scripts/testing/pipeline-hooks';
import { recordFigures } from '../../scripts/testing/figures';
import { setScenario } from '../../scripts/stack/pipeline';

/**
 * The diagnosis on the real stack, read through the dashboard's own API: each demo scenario is
 * run and /api/topology must say what a careful engineer would.
 */
const layout = stackLayout('test');

resetPipelineAround(layout);

describe('diagnosis of the demo scenarios', () => {
  it('steady: no bottleneck for a whole minute', async () => {
    await setScenario(layout, 'steady');
    // Let the 30 s latency windows forget whatever ran before.
    await sleep(35_000);
    const seen: string[] = [];
    for (const until = Date.now() + 60_000; Date.now() < until;) {
      const s = await topology(layout);
      if (s.bottleneck) seen.push(`${s.generatedAt}: ${s.bottleneck.reason}`);
      expect(s.sources.rabbitmq.status).toBe('ok');
      await sleep(1000);
    }
    expect(seen).toEqual([]);
  });

  it('reply-starvation: names the reply consumers within 2 s of the reply queue passing 50, never the ML workers', async () => {
    // An independent, lag-free view of the reply queue: our own passive declares every 100 ms.
    const connection = await amqp.connect(rabbitAmqpUrl(layout));
    const channel = await connection.createChannel();
    let passed50AtMs: number | null = null;
    let namedAtMs: number | null = null;
    let blamedMl = false;
    let snapshot = await topology(layout);
    const watchUntilMs = Date.now() + 150_000;
    const watchQueue = (async () => {
      // Until the queue has passed 50: warroom may name it earlier, while it grows towards 50.
      while (passed50AtMs === null && Date.now() < watchUntilMs) {
        const { messageCount } = await channel.checkQueue('api.replies');
        if (passed50AtMs === null && messageCount > 50) passed50AtMs = Date.now();
        await sleep(100);
      }
    })();
    await setScenario(layout, 'reply-starvation');
    const deadline = Date.now() + 120_000;
    while (namedAtMs === null && Date.now() < deadline) {
      snapshot = await topology(layout);
      if (snapshot.bottleneck?.stageId === 'ml-workers' || snapshot.bottleneck?.stageId === 'request-queue')
        blamedMl = true;
      if (snapshot.bottleneck?.stageId === 'reply-consumers') namedAtMs = Date.now();
      else await sleep(100);
    }
    namedAtMs ??= Date.now();
    await watchQueue;
    await connection.close();
    expect(passed50AtMs).not.toBeNull();
    expect(snapshot.bottleneck).toMatchObject({ stageId: 'reply-consumers', queueStageId: 'reply-queue' });
    expect(snapshot.bottleneck!.reason).toMatch(/^Reply queue: \d+ ready/);
    // Negative when warroom named it before the queue crossed 50 (a growing queue close to it).
    const lagMs = namedAtMs - passed50AtMs!;
    expect(lagMs).toBeLessThanOrEqual(2000);
    expect(blamedMl).toBe(false);

    const withRecommendation = await waitFor(
      () => topology(layout),
      (s) => Boolean(s.bottleneck?.recommendation),
      30_000,
      'a recommendation',
    );
    expect(withRecommendation.bottleneck!.recommendation).toMatchObject({
      job: 'api',
      group: 'reply-consumer',
      from: 3,
    });
    expect(withRecommendation.bottleneck!.recommendation!.to).toBeGreaterThan(3);
    recordFigures('detection', {
      detectionLagMs: lagMs,
      reason: withRecommendation.bottleneck!.reason,
      recommendedTo: withRecommendation.bottleneck!.recommendation!.to,
    });
  });

  it('ml-saturation: names the ML workers', async () => {
    await resetPipeline(layout);
    await setScenario(layout, 'ml-saturation');
    const s = await waitFor(
      () => topology(layout),
      (t) => t.bottleneck?.stageId === 'ml-workers' && Boolean(t.bottleneck.recommendation),
      120_000,
      'the ML workers to be named, with a recommendation',
      1000,
    );
    expect(s.bottleneck).toMatchObject({ stageId: 'ml-workers', queueStageId: 'request-queue' });
    expect(s.bottleneck!.recommendation).toMatchObject({ job: 'ml-inference', group: 'worker', from: 10 });
  });

  it('gpu-underused: the GPU insight appears for the ML workers, with no bottleneck', async () => {
    await resetPipeline(layout);
    await setScenario(layout, 'gpu-underused');
    // The end-to-end window still holds the slow requests of the scenario before for up to 30 s;
    // gpu-underused is a pipeline within its SLO, so wait for that too.
    const s = await waitFor(
      () => topology(layout),
      (t) =>
        t.insights.some((i) => i.kind === 'gpu-underused' && i.stageId === 'ml-workers') &&
        t.endToEnd.pMs !== null &&
        t.endToEnd.pMs < t.endToEnd.sloMs,
      120_000,
      'the GPU insight, within the SLO',
      1000,
    );
    expect(s.insights.find((i) => i.kind === 'gpu-underused')!.message).toMatch(
      /GPUs at \d+% while the workers are \d+% busy/,
    );
    expect(s.bottleneck).toBeNull();
  });
});
