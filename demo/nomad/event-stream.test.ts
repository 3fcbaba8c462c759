import type http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { TimelineEvent } from '../../lib/contracts/timeline';
import { JobSchema } from '../../lib/sources/nomad/schemas';
import {
  StreamLineSchema,
  followNomadEvents,
  jobShape,
  timelineFromNomad,
  type StreamEvent,
} from '../../lib/sources/nomad/events';
import { waitFor } from '../../scripts/testing/demo-client';
import { Cluster } from './cluster';
import { createNomadApi } from './http-api';
import { JobSpecSchema } from './job-spec';

/**
 * Nomad's event stream, from the stand-in's HTTP API to the timeline: the documented line shapes,
 * topic filters, a deployment's progress, an allocation failing or killed for memory (each said
 * once), and a broken connection resumed from the last index without a gap or a repeat.
 */
const token = 'stream-token-0123456789';
let server: http.Server;
let cluster: Cluster;
let url: string;
const stops: Array<() => void> = [];

const spec = (id: string) =>
  JobSpecSchema.parse({
    ID: id,
    Name: id,
    Type: 'service',
    TaskGroups: [{ Name: 'g', Count: 1, Tasks: [{ Name: 't', Driver: 'raw_exec', Config: { command: 'true' } }] }],
  });

async function standIn(deploymentMs = 150) {
  cluster = new Cluster(deploymentMs);
  cluster.register(spec('api'));
  cluster.register(spec('other'));
  server = createNomadApi(cluster, token);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

afterEach(async () => {
  for (const stop of stops.splice(0)) stop();
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

function follow(index = 0, topics = ['Deployment:api', 'Allocation:api'], seen = new Map<string, string>()) {
  const timeline: TimelineEvent[] = [];
  const raw: StreamEvent[] = [];
  const stream = followNomadEvents({
    url,
    token,
    namespace: 'default',
    topics,
    index,
    onEvents: (events) => {
      raw.push(...events);
      timeline.push(...timelineFromNomad(events, new Map([['api', 'reply-consumers']]), seen, 'now'));
    },
  });
  stops.push(stream.stop);
  return { timeline, raw, stream };
}

const redeploy = (id: string) => {
  const job = cluster.jobs.get(id)!;
  const next = structuredClone(job.spec);
  next.TaskGroups[0]!.Tasks[0]!.Env = { RELEASE: String(job.version + 1) };
  cluster.registerVersion(next, { enforceIndex: true, jobModifyIndex: job.jobModifyIndex });
};

describe("Nomad's event stream", () => {
  it('serves newline-delimited {Index, Events} lines in the documented shape, from an index, filtered by topic and key', async () => {
    await standIn();
    const from = cluster.index;
    redeploy('api');
    redeploy('other');
    const controller = new AbortController();
    const res = await fetch(`${url}/v1/event/stream?index=${from}&topic=Deployment:api&namespace=default`, {
      headers: { 'X-Nomad-Token': token },
      signal: controller.signal,
    });
    expect(res.status).toBe(200);
    const reader = res.body!.getReader();
    const { value } = await reader.read();
    controller.abort();
    const lines = new TextDecoder().decode(value).trim().split('\n');
    const parsed = lines.map((l) => StreamLineSchema.parse(JSON.parse(l)));
    const events = parsed.flatMap((p) => p.Events ?? []);
    expect(events.length).toBeGreaterThan(0);
    for (const e of events) {
      expect(e).toMatchObject({ Topic: 'Deployment', Type: 'DeploymentStatusUpdate', FilterKeys: ['api'] });
      expect(e.Index).toBeGreaterThan(from);
    }
    // Without a token, Nomad's 403.
    const anonymous = await fetch(`${url}/v1/event/stream`);
    expect(anonymous.status).toBe(403);
  });

  it("puts a deployment's progress on the timeline, once per state, for the pipeline's jobs only", async () => {
    await standIn();
    const { timeline } = follow();
    await new Promise((resolve) => setTimeout(resolve, 100));
    redeploy('api');
    redeploy('other');
    await waitFor(
      async () => timeline.length,
      (n) => n >= 2,
      5000,
      'the deployment to finish',
    );
    expect(timeline).toEqual([
      expect.objectContaining({
        kind: 'deployment',
        stageId: 'reply-consumers',
        message: 'Deployment of api version 1: running (Deployment is running).',
      }),
      expect.objectContaining({
        kind: 'deployment',
        message: 'Deployment of api version 1: successful (Deployment completed successfully).',
      }),
    ]);
  });

  it('says a new version of a job was registered, and which groups changed, but not a scale (a registration too)', async () => {
    await standIn();
    // The job as it is when the stream starts (the replica reads it so), to compare the first registration with.
    const api = JobSchema.parse(
      await (await fetch(`${url}/v1/job/api`, { headers: { 'X-Nomad-Token': token } })).json(),
    );
    const { timeline, raw } = follow(0, ['Job:api', 'Job:other'], new Map([['job:api', jobShape(api)]]));
    await new Promise((resolve) => setTimeout(resolve, 100));
    // A scale: Nomad registers the job again (JobRegistered), with only the count and indexes changed.
    const scaled = await fetch(`${url}/v1/job/api/scale`, {
      method: 'POST',
      headers: { 'X-Nomad-Token': token },
      body: JSON.stringify({ Count: 4, Target: { Group: 'g' }, Message: 'more' }),
    });
    expect(scaled.status).toBe(200);
    await waitFor(
      async () => raw.length,
      (n) => n >= 1,
      5000,
      'the scale registration on the stream',
    );
    expect(raw[0]).toMatchObject({ Topic: 'Job', Type: 'JobRegistered', Key: 'api' });
    expect(timeline).toEqual([]);
    redeploy('api');
    redeploy('other');
    await waitFor(
      async () => timeline.length,
      (n) => n >= 1,
      5000,
      'the new version on the timeline',
    );
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(timeline).toEqual([
      {
        at: 'now',
        kind: 'job-registered',
        stageId: 'reply-consumers',
        message: `A new version of job api was registered (version ${cluster.jobs.get('api')!.version}): group g changed.`,
      },
    ]);
  });

  it('names job-level changes (Meta, datacenters), says a stop once, and nothing for a job it had no shape of', () => {
    const jobs = new Map([['api', 'reply-consumers']]);
    const v1 = {
      ID: 'api',
      Version: 1,
      Meta: { release: 'a' },
      SubmitTime: 1,
      Status: 'running',
      TaskGroups: [{ Name: 'g', Count: 3 }],
    };
    const event = (job: Record<string, unknown>, Type = 'JobRegistered', Index = 10): StreamEvent => ({
      Topic: 'Job',
      Type,
      Key: 'api',
      Index,
      Payload: { Job: job },
    });
    const seen = new Map<string, string>();
    // No shape to compare with: nothing said, the shape kept.
    expect(timelineFromNomad([event(v1)], jobs, seen, 't')).toEqual([]);
    // A scale: count, version, submit time and status move, nothing else.
    const scaled = {
      ...v1,
      Version: 2,
      SubmitTime: 2,
      Status: 'pending',
      JobModifyIndex: 12,
      TaskGroups: [{ Name: 'g', Count: 9 }],
    };
    expect(timelineFromNomad([event(scaled)], jobs, seen, 't')).toEqual([]);
    const meta = { ...scaled, Version: 3, Meta: { release: 'b' } };
    expect(timelineFromNomad([event(meta)], jobs, seen, 't').map((e) => e.message)).toEqual([
      'A new version of job api was registered (version 3): job settings changed.',
    ]);
    const stopped = { ...meta, Version: 4, Stop: true };
    expect(
      timelineFromNomad([event(stopped), event(stopped, 'JobDeregistered')], jobs, seen, 't').map((e) => e.message),
    ).toEqual(['Job api was stopped.']);
    expect(timelineFromNomad([event({ ...meta, Version: 5 })], jobs, seen, 't').map((e) => e.message)).toEqual([
      'Job api was started again (version 5).',
    ]);
    // Another job's registration is not the pipeline's.
    expect(
      timelineFromNomad([{ ...event({ ...v1, ID: 'other' }), Key: 'other' }], jobs, new Map([['job:other', 'x']]), 't'),
    ).toEqual([]);
  });

  it('says an allocation failed, or was killed for memory, once each however often it is updated', async () => {
    await standIn();
    const { timeline } = follow();
    await new Promise((resolve) => setTimeout(resolve, 100));
    const job = cluster.jobs.get('api')!;
    const group = job.spec.TaskGroups[0]!;
    const failing = cluster.createAllocation(job, group, 0, {});
    const exit = { Type: 'Terminated', Time: 1, DisplayMessage: 'Exit Code: 1', Details: { exit_code: '1' } };
    cluster.updateAllocation(failing, { clientStatus: 'failed' }, exit);
    cluster.updateAllocation(failing, { desiredStatus: 'stop' });
    const oom = cluster.createAllocation(job, group, 1, {});
    cluster.updateAllocation(
      oom,
      { clientStatus: 'failed' },
      {
        Type: 'Terminated',
        Time: 2,
        DisplayMessage: 'OOM Killed',
        Details: { exit_code: '137', oom_killed: 'true' },
      },
    );
    await waitFor(
      async () => timeline.length,
      (n) => n >= 2,
      5000,
      'both allocations on the timeline',
    );
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(timeline.map((e) => e.message)).toEqual([
      'api.g[0] failed: Exit Code: 1.',
      'api.g[1] was killed for running out of memory (OOM): OOM Killed.',
    ]);
    expect(timeline.every((e) => e.kind === 'allocation-trouble')).toBe(true);
  });

  it('resumes a broken connection from the last index seen: nothing missed, nothing twice', async () => {
    await standIn(60_000);
    const { raw, stream } = follow();
    await new Promise((resolve) => setTimeout(resolve, 100));
    redeploy('api');
    await waitFor(
      async () => raw.length,
      (n) => n >= 1,
      5000,
      'the first event',
    );
    const before = stream.index();
    // The connection breaks; meanwhile the deployment finishes.
    server.closeAllConnections();
    cluster.finishDeployment(cluster.latestDeployment('api')!, 'successful', 'Deployment completed successfully');
    await waitFor(
      async () => raw.length,
      (n) => n >= 2,
      10_000,
      'the event published while disconnected',
    );
    expect(stream.index()).toBeGreaterThan(before);
    expect(new Set(raw.map((e) => e.Index)).size).toBe(raw.length);
    expect(raw.map((e) => (e.Payload.Deployment as { Status: string }).Status)).toEqual(['running', 'successful']);
  });
});
