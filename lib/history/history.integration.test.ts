import { describe, expect, it } from 'vitest';
import { dashboardUrl, stackLayout, startDashboard, stopDashboard } from '../../scripts/stack';
import { sleep } from '../../scripts/stack/processes';
import { scaleGroup, topology, waitFor } from '../../scripts/testing/demo-client';
import { resetPipelineAround } from '../../scripts/testing/pipeline-hooks';
import { setScenario } from '../../scripts/stack/pipeline';
import type { Snapshot } from '../contracts/snapshot';

/**
 * The history on the real stack: snapshots recorded while the incident unfolds, the past served
 * by `?at=`, the timeline derived from what changed, all surviving a restart of the dashboard.
 */
const layout = stackLayout('test');
const base = () => dashboardUrl(layout);

async function at(iso: string): Promise<{
  status: number;
  body: Snapshot & { replay?: { at: string; storedAt: string }; error?: { message: string } };
}> {
  const res = await fetch(`${base()}/api/topology?at=${encodeURIComponent(iso)}`);
  return { status: res.status, body: await res.json() };
}

resetPipelineAround(layout);

describe('history', () => {
  it('replays the worst moment after recovery, lists what happened, and keeps both across a restart', async () => {
    await setScenario(layout, 'steady');
    await sleep(12_000);
    const steadyAt = (await topology(layout)).generatedAt;
    await setScenario(layout, 'reply-starvation');
    const worst = await waitFor(
      () => topology(layout),
      (s) =>
        s.bottleneck?.stageId === 'reply-consumers' &&
        (s.stages.find((st) => st.id === 'reply-queue')?.queue?.ready ?? 0) > 100,
      120_000,
      'a deep reply queue',
      500,
    );
    await sleep(3000);
    await scaleGroup(layout, 'api', 'reply-consumer', 30, 'history test: fix');
    await setScenario(layout, 'steady');
    const healthy = await waitFor(
      () => topology(layout),
      (s) => s.bottleneck === null && s.stages.find((st) => st.id === 'reply-consumers')?.workers?.desired === 30,
      90_000,
      'recovery',
      1000,
    );
    expect(healthy.bottleneck).toBeNull();

    const past = await at(worst.generatedAt);
    expect(past.status).toBe(200);
    expect(past.body.replay?.at).toBe(worst.generatedAt);
    expect(past.body.bottleneck).toMatchObject({ stageId: 'reply-consumers', queueStageId: 'reply-queue' });
    expect(past.body.stages.find((s) => s.id === 'reply-queue')?.queue?.ready).toBeGreaterThan(50);
    expect((await at(steadyAt)).body.bottleneck).toBeNull();

    const timeline = (await (
      await fetch(`${base()}/api/timeline?from=${encodeURIComponent(steadyAt)}&limit=500`)
    ).json()) as {
      events: Array<{ kind: string; message: string; link: string }>;
    };
    const kinds = timeline.events.map((e) => e.kind);
    for (const kind of ['bottleneck-appeared', 'workers-changed', 'bottleneck-cleared']) expect(kinds).toContain(kind);
    // Newest first: the clearing comes before the bottleneck it cleared.
    expect(kinds.lastIndexOf('bottleneck-appeared')).toBeGreaterThan(kinds.lastIndexOf('bottleneck-cleared'));
    expect(timeline.events.find((e) => e.kind === 'workers-changed')!.message).toContain('3 -> 30');
    expect(timeline.events[0]!.link).toMatch(/^\/\?at=/);

    await stopDashboard(layout);
    await startDashboard(layout);
    const afterRestart = await at(worst.generatedAt);
    expect(afterRestart.status).toBe(200);
    expect(afterRestart.body.bottleneck?.reason).toBe(past.body.bottleneck?.reason);
  });

  it.each([
    ['yesterday', 400, 'not an ISO 8601 time'],
    ['2099-01-01T00:00:00Z', 400, 'in the future'],
    ['2000-01-01T00:00:00Z', 404, 'no history before'],
  ])('?at=%s answers %i with a clear message', async (raw, status, message) => {
    const r = await at(raw);
    expect(r.status).toBe(status);
    expect(r.body.error?.message).toContain(message);
  });

  it('the side panel of a replayed moment shows the 15 minutes up to it, from Prometheus', async () => {
    const atMs = Date.now() - 40_000;
    const iso = new Date(atMs).toISOString();
    const res = await fetch(`${base()}/api/series?stage=reply-queue&at=${encodeURIComponent(iso)}`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { lines: Array<{ key: string; points: Array<{ t: number }> }> };
    const ready = body.lines.find((l) => l.key === 'ready')!;
    expect(ready.points.length).toBeGreaterThan(0);
    // Ends at the moment (rounded up to the 15 s step), not now; starts 15 minutes before at the most.
    expect(ready.points.at(-1)!.t * 1000).toBeLessThanOrEqual(atMs + 15_000);
    expect(ready.points.at(-1)!.t * 1000).toBeGreaterThan(atMs - 30_000);
    expect(ready.points[0]!.t * 1000).toBeGreaterThanOrEqual(atMs - 15 * 60_000 - 15_000);
    const bad = await fetch(`${base()}/api/series?stage=reply-queue&at=yesterday`);
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { message: string } }).error.message).toContain(
      'at: "yesterday" is not an ISO 8601 time',
    );
  });

  it('a bad link renders a message on the page, not a blank page or a 500', async () => {
    const res = await fetch(`${base()}/?at=not-a-time`);
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('Cannot show that moment');
  });
});
