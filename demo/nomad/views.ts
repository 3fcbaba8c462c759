import type { Allocation, Cluster, Deployment, Evaluation, JobState } from './cluster';

/**
 * The JSON the stand-in answers with, in the documented shapes of Nomad's HTTP API (JobListStub,
 * Job, JobSummary, AllocListStub, JobScaleStatusResponse, Evaluation). Tests parse these with
 * the dashboard's own zod schemas in lib/sources/nomad/.
 */
function isLive(a: Allocation): boolean {
  return a.desiredStatus === 'run' && (a.clientStatus === 'pending' || a.clientStatus === 'running');
}

function jobStatus(cluster: Cluster, job: JobState): string {
  const allocs = cluster.allocationsOf(job.spec.ID);
  if (allocs.some((a) => a.clientStatus === 'running')) return 'running';
  if (allocs.some((a) => a.clientStatus === 'pending')) return 'pending';
  return 'dead';
}

export function jobSummaryView(cluster: Cluster, job: JobState) {
  const summary: Record<string, Record<string, number>> = {};
  for (const group of job.spec.TaskGroups) {
    const allocs = cluster.allocationsOf(job.spec.ID, group.Name);
    const count = (status: string) => allocs.filter((a) => a.clientStatus === status).length;
    summary[group.Name] = {
      Queued: 0,
      Complete: count('complete'),
      Failed: count('failed'),
      Running: count('running'),
      Starting: count('pending'),
      Lost: 0,
      Unknown: 0,
    };
  }
  return {
    JobID: job.spec.ID,
    Namespace: job.spec.Namespace,
    Summary: summary,
    Children: { Pending: 0, Running: 0, Dead: 0 },
    CreateIndex: job.createIndex,
    ModifyIndex: cluster.index,
  };
}

export function jobListStubView(cluster: Cluster, job: JobState) {
  return {
    ID: job.spec.ID,
    ParentID: '',
    Name: job.spec.Name,
    Namespace: job.spec.Namespace,
    Datacenters: job.spec.Datacenters,
    Type: job.spec.Type,
    Priority: job.spec.Priority,
    Periodic: false,
    ParameterizedJob: false,
    Stop: false,
    Status: jobStatus(cluster, job),
    StatusDescription: '',
    JobSummary: jobSummaryView(cluster, job),
    CreateIndex: job.createIndex,
    ModifyIndex: job.modifyIndex,
    JobModifyIndex: job.jobModifyIndex,
    SubmitTime: job.submitTimeNs,
    Version: job.version,
  };
}

export function jobView(cluster: Cluster, job: JobState) {
  return {
    ...job.spec,
    Region: 'global',
    Status: jobStatus(cluster, job),
    Stop: false,
    Stable: true,
    Version: job.version,
    SubmitTime: job.submitTimeNs,
    CreateIndex: job.createIndex,
    ModifyIndex: job.modifyIndex,
    JobModifyIndex: job.jobModifyIndex,
    TaskGroups: job.spec.TaskGroups.map((g) => ({
      ...g,
      Scaling: g.Scaling
        ? {
            ID: `${job.spec.ID}-${g.Name}-scaling`,
            Type: 'horizontal',
            Target: { Namespace: job.spec.Namespace, Job: job.spec.ID, Group: g.Name },
            ...g.Scaling,
            CreateIndex: job.createIndex,
            ModifyIndex: job.modifyIndex,
          }
        : null,
    })),
  };
}

export function allocationStubView(cluster: Cluster, alloc: Allocation, namespace: string) {
  const job = cluster.jobs.get(alloc.jobId);
  const taskName = job?.spec.TaskGroups.find((g) => g.Name === alloc.group)?.Tasks[0]?.Name ?? alloc.group;
  const state = alloc.clientStatus === 'running' ? 'running' : alloc.clientStatus === 'pending' ? 'pending' : 'dead';
  return {
    ID: alloc.id,
    EvalID: alloc.evalId,
    Name: alloc.name,
    Namespace: namespace,
    NodeID: cluster.nodeId,
    NodeName: 'warroom-standin',
    JobID: alloc.jobId,
    JobType: 'service',
    JobVersion: job?.version ?? 0,
    TaskGroup: alloc.group,
    DesiredStatus: alloc.desiredStatus,
    DesiredDescription: alloc.desiredStatus === 'stop' ? 'alloc not needed due to job update' : '',
    ClientStatus: alloc.clientStatus,
    ClientDescription: alloc.clientStatus === 'running' ? 'Tasks are running' : '',
    TaskStates: {
      [taskName]: {
        State: state,
        Failed: alloc.clientStatus === 'failed',
        Restarts: alloc.restarts,
        StartedAt: alloc.startedAt,
        FinishedAt: alloc.finishedAt,
        Events: alloc.taskEvents,
      },
    },
    CreateIndex: alloc.createIndex,
    ModifyIndex: alloc.modifyIndex,
    CreateTime: alloc.createTimeNs,
    ModifyTime: alloc.modifyTimeNs,
  };
}

export function scaleStatusView(cluster: Cluster, job: JobState) {
  const groups: Record<string, unknown> = {};
  for (const group of job.spec.TaskGroups) {
    const allocs = cluster.allocationsOf(job.spec.ID, group.Name).filter(isLive);
    const running = allocs.filter((a) => a.clientStatus === 'running').length;
    groups[group.Name] = {
      Desired: group.Count,
      Placed: allocs.length,
      Running: running,
      Healthy: running,
      Unhealthy: 0,
      Events: job.scalingEvents[group.Name]!.map((e) => ({
        Count: e.count,
        PreviousCount: e.previousCount,
        Message: e.message,
        Error: e.error,
        Meta: e.meta,
        EvalID: e.evalId,
        Time: e.timeNs,
        CreateIndex: e.createIndex,
      })),
    };
  }
  return {
    JobID: job.spec.ID,
    Namespace: job.spec.Namespace,
    JobCreateIndex: job.createIndex,
    JobModifyIndex: job.jobModifyIndex,
    JobStopped: false,
    TaskGroups: groups,
  };
}

export function evaluationView(evaluation: Evaluation) {
  return {
    ID: evaluation.id,
    Namespace: evaluation.namespace,
    Priority: 50,
    Type: 'service',
    TriggeredBy: evaluation.triggeredBy,
    JobID: evaluation.jobId,
    JobModifyIndex: evaluation.jobModifyIndex,
    Status: 'complete',
    CreateIndex: evaluation.createIndex,
    ModifyIndex: evaluation.createIndex,
    CreateTime: evaluation.createTimeNs,
    ModifyTime: evaluation.createTimeNs,
  };
}

export function deploymentView(cluster: Cluster, d: Deployment) {
  return {
    ID: d.id,
    Namespace: d.namespace,
    JobID: d.jobId,
    JobVersion: d.jobVersion,
    JobModifyIndex: d.jobModifyIndex,
    JobSpecModifyIndex: d.jobModifyIndex,
    JobCreateIndex: d.jobCreateIndex,
    IsMultiregion: false,
    TaskGroups: Object.fromEntries(
      d.groups.map((name) => {
        const job = cluster.jobs.get(d.jobId);
        const desired = job?.spec.TaskGroups.find((g) => g.Name === name)?.Count ?? 0;
        return [
          name,
          {
            AutoRevert: false,
            AutoPromote: false,
            ProgressDeadline: 600_000_000_000,
            RequireProgressBy: null,
            Promoted: false,
            PlacedCanaries: null,
            DesiredCanaries: 0,
            DesiredTotal: desired,
            PlacedAllocs: d.status === 'successful' ? desired : 0,
            HealthyAllocs: d.status === 'successful' ? desired : 0,
            UnhealthyAllocs: 0,
          },
        ];
      }),
    ),
    Status: d.status,
    StatusDescription: d.statusDescription,
    CreateIndex: d.createIndex,
    ModifyIndex: d.modifyIndex,
  };
}
