import { describe, expect, it } from 'vitest';
import { Cluster, NomadError } from './cluster';
import { JobSpecSchema } from './job-spec';
import { parseWait } from './http-api';

function clusterWithJob() {
  const cluster = new Cluster();
  cluster.register(
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
    }),
  );
  return cluster;
}

const scaleTo = (count: number | null, extra: Partial<{ group: string; jobModifyIndex: number }> = {}) => ({
  count,
  group: extra.group ?? 'reply-consumer',
  message: 'm',
  error: false,
  meta: null,
  jobModifyIndex: extra.jobModifyIndex,
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

  it('enforces a stale job modify index like Nomad (500, no change)', () => {
    const cluster = clusterWithJob();
    const stale = cluster.jobs.get('api')!.jobModifyIndex;
    cluster.scale('default', 'api', scaleTo(5));
    expect(() => cluster.scale('default', 'api', scaleTo(8, { jobModifyIndex: stale }))).toThrow(
      /conflicting job modify index/,
    );
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
