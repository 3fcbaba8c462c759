import { describe, expect, it } from 'vitest';
import { Cluster, NomadError } from './cluster';
import { JobSpecSchema } from './job-spec';
import { parseWait } from './http-api';

const demoLikeJob = () =>
  JobSpecSchema.parse({
    ID: 'api',
    Name: 'api',
    Type: 'service',
    TaskGroups: [
      {
        Name: 'reply-consumer',
        Count: 3,
        Scaling: { Min: 1, Max: 64 },
        Tasks: [{ Name: 't', Driver: 'raw_exec', Config: { command: 'true' } }],
      },
    ],
  });

function clusterWithJob() {
  const cluster = new Cluster();
  cluster.register(demoLikeJob());
  return cluster;
}

const scaleTo = (
  count: number | null,
  extra: Partial<{ group: string; jobModifyIndex: number; enforceIndex: boolean }> = {},
) => ({
  count,
  group: extra.group ?? 'reply-consumer',
  message: 'm',
  error: false,
  meta: null,
  jobModifyIndex: extra.jobModifyIndex,
  enforceIndex: extra.enforceIndex,
});

describe('Cluster.scale follows Nomad', () => {
  it.each([
    [65, 400, 'group count was greater than scaling policy maximum: 65 > 64'],
    [0, 400, 'group count was less than scaling policy minimum: 0 < 1'],
    [-1, 400, "scaling action count can't be negative"],
  ])('count %d -> %d %s', (count, status, message) => {
    const cluster = clusterWithJob();
    try {
      cluster.scale('default', 'api', scaleTo(count));
      expect.unreachable('scale should have thrown');
    } catch (err) {
      expect(err).toBeInstanceOf(NomadError);
      expect((err as NomadError).status).toBe(status);
      expect((err as NomadError).message).toBe(message);
    }
    expect(cluster.jobs.get('api')!.spec.TaskGroups[0]!.Count).toBe(3);
  });

  it('refuses an unknown group and an unknown job', () => {
    const cluster = clusterWithJob();
    expect(() => cluster.scale('default', 'api', scaleTo(2, { group: 'x' }))).toThrow(
      'task group "x" specified for scaling does not exist in job',
    );
    expect(() => cluster.scale('default', 'nope', scaleTo(2))).toThrow('job not found');
    expect(() => cluster.scale('other', 'api', scaleTo(2))).toThrow('job not found');
  });

  it('changes the count, bumps the indexes and records the event with its evaluation', () => {
    const cluster = clusterWithJob();
    const before = cluster.jobs.get('api')!.jobModifyIndex;
    const result = cluster.scale('default', 'api', scaleTo(30));
    const job = cluster.jobs.get('api')!;
    expect(job.spec.TaskGroups[0]!.Count).toBe(30);
    expect(job.jobModifyIndex).toBeGreaterThan(before);
    expect(result.jobModifyIndex).toBe(job.jobModifyIndex);
    expect(cluster.evaluations.get(result.evalId)?.triggeredBy).toBe('job-scaling');
    expect(job.scalingEvents['reply-consumer']![0]).toMatchObject({
      count: 30,
      previousCount: 3,
      evalId: result.evalId,
    });
  });

  it('enforces a stale job modify index like Nomad only with EnforceIndex (500, no change); without it, ignores it', () => {
    const cluster = clusterWithJob();
    const stale = cluster.jobs.get('api')!.jobModifyIndex;
    cluster.scale('default', 'api', scaleTo(5));
    expect(() => cluster.scale('default', 'api', scaleTo(8, { jobModifyIndex: stale, enforceIndex: true }))).toThrow(
      new RegExp(`^Enforcing job modify index ${stale}: job exists with conflicting job modify index: \\d+$`),
    );
    expect(cluster.jobs.get('api')!.spec.TaskGroups[0]!.Count).toBe(5);
    // What real Nomad does with an index sent without EnforceIndex: nothing, the scale goes through.
    cluster.scale('default', 'api', scaleTo(8, { jobModifyIndex: stale }));
    expect(cluster.jobs.get('api')!.spec.TaskGroups[0]!.Count).toBe(8);
  });

  it('refuses to scale while a deployment of the job rolls out (400), and scales once it has finished', async () => {
    const cluster = new Cluster(50);
    cluster.register(demoLikeJob());
    const job = cluster.jobs.get('api')!;
    const spec = structuredClone(job.spec);
    spec.TaskGroups[0]!.Tasks[0]!.Env = { VERSION: '2' };
    cluster.registerVersion(spec, { enforceIndex: true, jobModifyIndex: job.jobModifyIndex });
    expect(cluster.latestDeployment('api')).toMatchObject({ status: 'running', jobVersion: 1 });
    expect(() => cluster.scale('default', 'api', scaleTo(5))).toThrow(
      expect.objectContaining({ status: 400, message: 'job scaling blocked due to active deployment' }),
    );
    await new Promise((resolve) => setTimeout(resolve, 80));
    expect(cluster.latestDeployment('api')?.status).toBe('successful');
    cluster.scale('default', 'api', scaleTo(5));
    expect(cluster.jobs.get('api')!.spec.TaskGroups[0]!.Count).toBe(5);
  });

  it('records an event without a count and without changing the group', () => {
    const cluster = clusterWithJob();
    const result = cluster.scale('default', 'api', scaleTo(null));
    expect(result.evalId).toBe('');
    expect(cluster.jobs.get('api')!.spec.TaskGroups[0]!.Count).toBe(3);
    expect(cluster.jobs.get('api')!.scalingEvents['reply-consumer']).toHaveLength(1);
  });
});

describe('parseWait', () => {
  it.each([
    [null, 300_000],
    ['30s', 30_000],
    ['1500ms', 1500],
    ['2m', 120_000],
    ['5', 5000],
    ['1h', 600_000],
  ])('%s -> %d ms (capped at 10 min)', (raw, ms) => {
    expect(parseWait(raw)).toBe(ms);
  });
  it('rejects nonsense with 400', () => {
    expect(() => parseWait('soon')).toThrow('Invalid wait time: soon');
  });
});
