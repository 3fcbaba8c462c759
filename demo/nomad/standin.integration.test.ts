import { beforeAll, describe, expect, it } from 'vitest';
import { stackLayout } from '../../scripts/stack';
import { nomadFetch, resetPipeline, scaleGroup, waitFor } from '../../scripts/testing/demo-client';
import {
  AllocationListSchema,
  JobListSchema,
  JobScaleStatusSchema,
  JobSchema,
  JobSummarySchema,
  ScaleResponseSchema,
} from '../../lib/sources/nomad/schemas';
import { demoGroups, demoJobIds } from '../jobs';

const layout = stackLayout('test');

beforeAll(async () => {
  await resetPipeline(layout);
});

describe('Nomad stand-in against the documented API shapes', () => {
  it('answers every read endpoint in shapes the dashboard schemas parse, with X-Nomad-Index', async () => {
    const cases = [
      ['/v1/jobs', JobListSchema],
      [`/v1/job/${demoJobIds.api}`, JobSchema],
      [`/v1/job/${demoJobIds.api}/summary`, JobSummarySchema],
      [`/v1/job/${demoJobIds.ml}/allocations`, AllocationListSchema],
      [`/v1/job/${demoJobIds.api}/scale`, JobScaleStatusSchema],
    ] as const;
    for (const [path, schema] of cases) {
      const res = await nomadFetch(layout, path);
      expect(res.status, path).toBe(200);
      expect(Number(res.headers.get('x-nomad-index')), path).toBeGreaterThan(0);
      const parsed = schema.safeParse(await res.json());
      expect(parsed.success, `${path}: ${parsed.error?.message}`).toBe(true);
    }
    const job = JobSchema.parse(await (await nomadFetch(layout, `/v1/job/${demoJobIds.api}`)).json());
    const group = job.TaskGroups.find((g) => g.Name === demoGroups.replyConsumer);
    expect(group?.Count).toBe(3);
    expect(group?.Scaling).toMatchObject({ Min: 1, Max: 64, Enabled: true });
    const allocs = AllocationListSchema.parse(
      await (await nomadFetch(layout, `/v1/job/${demoJobIds.ml}/allocations`)).json(),
    );
    expect(allocs.filter((a) => a.ClientStatus === 'running' && a.TaskGroup === demoGroups.mlWorker)).toHaveLength(10);
  });

  it('scales a group through POST /v1/job/:id/scale and reports the event and the new allocations', async () => {
    const res = await nomadFetch(layout, `/v1/job/${demoJobIds.api}/scale`, {
      method: 'POST',
      body: JSON.stringify({
        Count: 5,
        Target: { Group: demoGroups.replyConsumer },
        Message: 'stand-in test',
        Meta: { by: 'vitest' },
      }),
    });
    expect(res.status).toBe(200);
    const scaled = ScaleResponseSchema.parse(await res.json());
    expect(scaled.EvalID).toMatch(/^[0-9a-f-]{36}$/);
    const status = await waitFor(
      async () =>
        JobScaleStatusSchema.parse(await (await nomadFetch(layout, `/v1/job/${demoJobIds.api}/scale`)).json()),
      (s) => s.TaskGroups[demoGroups.replyConsumer]?.Running === 5,
      30_000,
      'five running reply consumers',
    );
    const event = status.TaskGroups[demoGroups.replyConsumer]!.Events![0]!;
    expect(event).toMatchObject({ Count: 5, PreviousCount: 3, Message: 'stand-in test', EvalID: scaled.EvalID });
    const evaluation = await (await nomadFetch(layout, `/v1/evaluation/${scaled.EvalID}`)).json();
    expect(evaluation).toMatchObject({ ID: scaled.EvalID, JobID: demoJobIds.api, TriggeredBy: 'job-scaling' });
    await scaleGroup(layout, demoJobIds.api, demoGroups.replyConsumer, 3);
  });

  it.each([
    [
      { Count: 65, Target: { Group: 'reply-consumer' } },
      400,
      'group count was greater than scaling policy maximum: 65 > 64',
    ],
    [{ Count: 0, Target: { Group: 'reply-consumer' } }, 400, 'group count was less than scaling policy minimum: 0 < 1'],
    [
      { Count: 2, Target: { Group: 'no-such-group' } },
      400,
      'task group "no-such-group" specified for scaling does not exist in job',
    ],
    [{ Count: 2.5, Target: { Group: 'reply-consumer' } }, 400, 'Request decode failed'],
    [{ Count: 'ten', Target: { Group: 'reply-consumer' } }, 400, 'Request decode failed'],
  ])('refuses %j with %i and a clear message, leaving the count alone', async (body, status, message) => {
    const res = await nomadFetch(layout, `/v1/job/${demoJobIds.api}/scale`, {
      method: 'POST',
      body: JSON.stringify(body),
    });
    expect(res.status).toBe(status);
    expect(await res.text()).toContain(message);
    const job = JobSchema.parse(await (await nomadFetch(layout, `/v1/job/${demoJobIds.api}`)).json());
    expect(job.TaskGroups.find((g) => g.Name === demoGroups.replyConsumer)?.Count).toBe(3);
  });

  it('answers 404 for an unknown job and for a job in another namespace', async () => {
    expect((await nomadFetch(layout, '/v1/job/nope')).status).toBe(404);
    expect((await nomadFetch(layout, `/v1/job/${demoJobIds.api}?namespace=other`)).status).toBe(404);
    const res = await nomadFetch(layout, '/v1/job/nope/scale', {
      method: 'POST',
      body: JSON.stringify({ Count: 2, Target: { Group: 'x' } }),
    });
    expect(res.status).toBe(404);
  });

  it('answers 403 to a wrong or missing token, on reads and on scaling', async () => {
    expect((await nomadFetch(layout, '/v1/jobs', {}, 'not-the-token')).status).toBe(403);
    const scale = await nomadFetch(
      layout,
      `/v1/job/${demoJobIds.api}/scale`,
      { method: 'POST', body: JSON.stringify({ Count: 4, Target: { Group: 'reply-consumer' } }) },
      'wrong',
    );
    expect(scale.status).toBe(403);
    expect(await scale.text()).toBe('ACL token not found');
    const anonymous = await fetch(`http://127.0.0.1:${layout.ports.nomad}/v1/jobs`);
    expect(anonymous.status).toBe(403);
    expect(await anonymous.text()).toBe('Permission denied');
  });

  it('holds a blocking query until the state changes past the given index', async () => {
    const first = await nomadFetch(layout, `/v1/job/${demoJobIds.api}/scale`);
    const index = Number(first.headers.get('x-nomad-index'));
    const startedMs = Date.now();
    const blocked = nomadFetch(layout, `/v1/job/${demoJobIds.api}/scale?index=${index}&wait=20s`);
    setTimeout(() => void scaleGroup(layout, demoJobIds.api, demoGroups.replyConsumer, 4), 1000);
    const res = await blocked;
    expect(Date.now() - startedMs).toBeGreaterThanOrEqual(900);
    expect(Number(res.headers.get('x-nomad-index'))).toBeGreaterThan(index);
    await scaleGroup(layout, demoJobIds.api, demoGroups.replyConsumer, 3);
    // Once the allocations settle and nothing changes, the query returns when its wait runs out.
    let settled = -1;
    await waitFor(
      async () => Number((await nomadFetch(layout, '/v1/jobs')).headers.get('x-nomad-index')),
      (i) => {
        const same = i === settled;
        settled = i;
        return same;
      },
      30_000,
      'the index to settle',
    );
    const quietStartMs = Date.now();
    const quiet = await nomadFetch(layout, `/v1/jobs?index=${settled}&wait=1500ms`);
    expect(Date.now() - quietStartMs).toBeGreaterThanOrEqual(1400);
    expect(Number(quiet.headers.get('x-nomad-index'))).toBe(settled);
  });
});
