import { describe, expect, it } from 'vitest';
import { setScenario, stackLayout } from '../../scripts/stack';
import { sleep } from '../../scripts/stack/processes';
import { AllocationListSchema } from '../../lib/sources/nomad/schemas';
import {
  apiCounter,
  loadgenStats,
  nomadFetch,
  queueState,
  scaleGroup,
  waitFor,
} from '../../scripts/testing/demo-client';
import { resetPipelineAround } from '../../scripts/testing/pipeline-hooks';
import { recordFigures } from '../../scripts/testing/figures';
import { demoGroups, demoJobIds } from '../jobs';

/**
 * Scaling down under load must lose nothing: a stopped consumer finishes the message in hand and
 * anything it had not acked goes back to the queue. Counted end to end: every request the API
 * published is answered, and every request the client sent succeeds.
 */
const layout = stackLayout('test');

resetPipelineAround(layout);

describe('scaling down under load', () => {
  it('answers every published request while ML workers and reply consumers are stopped', async () => {
    await scaleGroup(layout, demoJobIds.api, demoGroups.replyConsumer, 12, 'test: scale up before scaling down');
    await sleep(3000);
    const before = {
      published: await apiCounter(layout, 'demo_api_requests_published_total'),
      answered: await apiCounter(layout, 'demo_api_requests_answered_total'),
      orphaned: await apiCounter(layout, 'demo_api_replies_orphaned_total'),
      client: (await loadgenStats(layout, 5)).totals,
    };
    await setScenario(layout, 'gpu-underused');
    await sleep(10_000);
    // Stop most of both groups while requests are in the workers' hands.
    await scaleGroup(layout, demoJobIds.ml, demoGroups.mlWorker, 4, 'test: scale down under load');
    await scaleGroup(layout, demoJobIds.api, demoGroups.replyConsumer, 2, 'test: scale down under load');
    await sleep(15_000);
    await setScenario(layout, 'idle');
    await waitFor(
      () => loadgenStats(layout, 5),
      (s) => s.inFlight === 0,
      150_000,
      'every request to be answered',
    );

    const after = {
      published: await apiCounter(layout, 'demo_api_requests_published_total'),
      answered: await apiCounter(layout, 'demo_api_requests_answered_total'),
      orphaned: await apiCounter(layout, 'demo_api_replies_orphaned_total'),
      client: (await loadgenStats(layout, 5)).totals,
    };
    const published = after.published - before.published;
    const answered = after.answered - before.answered;
    const sent = after.client.sent - before.client.sent;
    const ok = after.client.ok - before.client.ok;
    const failed = after.client.failed - before.client.failed;

    expect(published).toBeGreaterThan(100);
    expect(answered).toBe(published);
    expect(after.orphaned - before.orphaned).toBe(0);
    expect(sent).toBe(published);
    expect(ok).toBe(sent);
    expect(failed).toBe(0);
    // Nothing left behind either; the broker's statistics lag by up to 5 s, so allow them to catch up.
    for (const queue of ['ml.requests', 'api.replies']) {
      await waitFor(
        () => queueState(layout, queue),
        (q) => q.ready + q.unacked === 0,
        15_000,
        `${queue} to be empty`,
      );
    }
    // The stopped allocations ended cleanly (SIGTERM honoured), none was killed or failed.
    for (const job of [demoJobIds.ml, demoJobIds.api]) {
      const allocs = AllocationListSchema.parse(await (await nomadFetch(layout, `/v1/job/${job}/allocations`)).json());
      const stopped = allocs.filter((a) => a.DesiredStatus === 'stop');
      expect(stopped.length).toBeGreaterThan(0);
      expect(stopped.filter((a) => a.ClientStatus !== 'complete')).toEqual([]);
    }
    recordFigures('scale-down-no-loss', { published, answered, sent, ok, failed });
  });
});
