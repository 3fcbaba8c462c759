import { describe, expect, it } from 'vitest';
import { setScenario, stackLayout } from '../../scripts/stack';
import { sleep } from '../../scripts/stack/processes';
import { postAs, signIn } from '../../scripts/testing/dashboard-client';
import { loadgenStats, nomadFetch, queueState, topology, waitFor } from '../../scripts/testing/demo-client';
import { recordFigures } from '../../scripts/testing/figures';
import { resetPipelineAround } from '../../scripts/testing/pipeline-hooks';
import { JobScaleStatusSchema } from '../../lib/sources/nomad/schemas';
import type { Recommendation } from '../../lib/contracts/snapshot';
import { demoGroups, demoJobIds } from '../jobs';
import { rateAt, scenarios } from '../loadgen/scenarios';

/**
 * The source incident as it happened: traffic that keeps climbing. warroom names the reply
 * consumers, an operator accepts its recommendation once (preview, reason, typed confirmation,
 * through the dashboard's own API), and that one action must clear the backlog and hold the SLO
 * for 10 minutes while traffic climbs on to its plateau, with no second action. A count sized for
 * the moment of detection (about 13/s) would not: the plateau (20/s) is all it could drain
 * at 4/s per consumer (demo/loadgen/scenarios.test.ts checks that arithmetic).
 */
const layout = stackLayout('test');
const sloMs = 3000;
const holdMs = 10 * 60_000;
const drainGraceMs = 120_000;
const growing = scenarios['growing-traffic'];

resetPipelineAround(layout);

async function replyConsumersDesired(): Promise<number> {
  const res = await nomadFetch(layout, `/v1/job/${demoJobIds.api}/scale`);
  return JobScaleStatusSchema.parse(await res.json()).TaskGroups[demoGroups.replyConsumer]!.Desired;
}

describe('growing-traffic scenario', () => {
  it('one accepted recommendation clears the backlog and holds the SLO for 10 minutes while traffic keeps growing', async () => {
    const operator = await signIn(layout, 'operator');
    await setScenario(layout, 'steady');
    await sleep(20_000);
    await setScenario(layout, 'growing-traffic');
    const startedMs = Date.now();

    const named = await waitFor(
      () => topology(layout),
      (s) => s.bottleneck?.stageId === 'reply-consumers' && s.bottleneck.recommendation !== undefined,
      240_000,
      'warroom to name the reply consumers with a recommendation',
      1000,
    );
    const rec = named.bottleneck!.recommendation as Recommendation;
    const detectedAfterSec = (Date.now() - startedMs) / 1000;
    expect(rec).toMatchObject({ job: demoJobIds.api, group: demoGroups.replyConsumer, from: 3 });
    expect(rec.basis).toBeDefined();

    const target = { job: rec.job, group: rec.group, count: rec.to };
    const previewRes = await postAs(layout, operator, '/api/actions/scale/preview', target);
    expect(previewRes.status).toBe(200);
    const preview = (await previewRes.json()) as { jobModifyIndex: number; confirmPhrase: string };
    const scaleRes = await postAs(layout, operator, '/api/actions/scale', {
      ...target,
      reason: 'reply queue starved while traffic grows (warroom recommendation)',
      idempotencyKey: crypto.randomUUID(),
      expectedModifyIndex: preview.jobModifyIndex,
      confirm: preview.confirmPhrase,
    });
    expect(scaleRes.status, await scaleRes.clone().text()).toBe(200);
    const scaledAtMs = Date.now();

    // The backlog clears...
    await waitFor(
      async () => ({ q: await queueState(layout, 'api.replies'), stats: await loadgenStats(layout, 10) }),
      ({ q, stats }) => q.ready < 10 && stats.window.count >= 20 && stats.window.p90Ms! < sloMs,
      drainGraceMs,
      'the reply backlog to clear and client p90 back under the SLO',
      2000,
    );
    const clearedAtMs = Date.now();
    const clearedAfterSec = (clearedAtMs - scaledAtMs) / 1000;

    // ...and stays cleared for the rest of the 10 minutes, as traffic climbs to its plateau. Each
    // sample is the client p90 of the last 20 s, but never of requests answered before the backlog
    // cleared (those stragglers belong to the clearing).
    const p90s: number[] = [];
    const story: string[] = [];
    let bottleneckSeen: string | null = null;
    while (Date.now() - scaledAtMs < holdMs) {
      await sleep(10_000);
      const windowSec = Math.min(20, Math.floor((Date.now() - clearedAtMs) / 1000));
      const stats = await loadgenStats(layout, windowSec);
      expect(stats.window.failed).toBe(0);
      if (stats.window.count > 0) p90s.push(stats.window.p90Ms!);
      const s = await topology(layout);
      if (s.bottleneck?.stageId === 'reply-consumers') bottleneckSeen = s.bottleneck.reason;
      const ready = (id: string) => s.stages.find((st) => st.id === id)?.queue?.ready ?? '?';
      story.push(
        `+${Math.round((Date.now() - scaledAtMs) / 1000)} s: p90 ${stats.window.p90Ms} ms of ${stats.window.count} (${windowSec} s), ` +
          `request queue ${ready('request-queue')}, reply queue ${ready('reply-queue')}, bottleneck ${s.bottleneck?.stageId ?? 'none'}`,
      );
    }
    const rateAtEnd = rateAt(growing, Date.now() - startedMs);
    expect(rateAtEnd).toBe(growing.ramp!.maxRatePerSec);
    expect(bottleneckSeen, story.join('\n')).toBeNull();
    expect(Math.max(...p90s), story.join('\n')).toBeLessThan(sloMs);
    expect(await replyConsumersDesired()).toBe(rec.to);

    recordFigures('growing-traffic', {
      detectedAfterSec: Math.round(detectedAfterSec),
      recommendedFrom: rec.from,
      recommendedTo: rec.to,
      arrivalAtDetectionPerSec: rec.basis!.arrivalPerSec,
      projectedPerSec: rec.basis!.projectedPerSec,
      trendPerSecPerMin: rec.basis!.trendPerSecPerMin ?? -1,
      clearedAfterSec: Math.round(clearedAfterSec),
      holdWorstClientP90Ms: Math.max(...p90s),
      plateauPerSec: rateAtEnd,
    });
  }, 900_000);
});
