import { EventEmitter } from 'node:events';
import { randomUUID } from 'node:crypto';
import { activeDeploymentStatuses } from '../../lib/sources/nomad/schemas';
import type { JobSpec, TaskGroupSpec } from './job-spec';
import { allocationStubView, deploymentView, jobView } from './views';

/**
 * The stand-in's state: jobs, their groups' desired counts, allocations and scaling events, with
 * a Raft-like index that grows on every change (what X-Nomad-Index and blocking queries use).
 * Starting and stopping real processes is the runner's job; this class only decides.
 */
export type ClientStatus = 'pending' | 'running' | 'complete' | 'failed';

export interface Allocation {
  id: string;
  evalId: string;
  name: string;
  index: number;
  jobId: string;
  group: string;
  desiredStatus: 'run' | 'stop';
  clientStatus: ClientStatus;
  ports: Record<string, number>;
  restarts: number;
  createIndex: number;
  modifyIndex: number;
  createTimeNs: number;
  modifyTimeNs: number;
  startedAt: string | null;
  finishedAt: string | null;
  /** The task's events (Nomad's TaskEvent), newest last: how it ended, when it has. */
  taskEvents: Array<{ Type: string; Time: number; DisplayMessage: string; Details: Record<string, string> }>;
}

/** One event of Nomad's event stream (GET /v1/event/stream). */
export interface StreamEvent {
  Topic: 'Job' | 'Deployment' | 'Allocation';
  Type: string;
  Key: string;
  Namespace: string;
  FilterKeys: string[];
  Index: number;
  Payload: Record<string, unknown>;
}

export interface ScalingEvent {
  count: number | null;
  previousCount: number;
  message: string;
  error: boolean;
  meta: Record<string, unknown> | null;
  evalId: string | null;
  timeNs: number;
  createIndex: number;
}

export interface JobState {
  spec: JobSpec;
  version: number;
  createIndex: number;
  modifyIndex: number;
  jobModifyIndex: number;
  submitTimeNs: number;
  scalingEvents: Record<string, ScalingEvent[]>;
}

export interface Evaluation {
  id: string;
  jobId: string;
  namespace: string;
  triggeredBy: string;
  jobModifyIndex: number;
  createIndex: number;
  createTimeNs: number;
}

/** A deployment of a job version (Nomad's structs.Deployment, the fields the API shows). */
export interface Deployment {
  id: string;
  namespace: string;
  jobId: string;
  jobVersion: number;
  jobModifyIndex: number;
  jobCreateIndex: number;
  groups: string[];
  status: 'running' | 'successful' | 'failed' | 'cancelled';
  statusDescription: string;
  createIndex: number;
  modifyIndex: number;
}

/** An error Nomad answers with a status code and a plain-text body. */
export class NomadError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

const nowNs = () => Date.now() * 1_000_000;
/** Nomad's RegisterEnforceIndexErrPrefix. */
export const enforceIndexPrefix = 'Enforcing job modify index';

export class Cluster extends EventEmitter {
  index = 1;
  readonly nodeId = randomUUID();
  readonly jobs = new Map<string, JobState>();
  readonly allocations = new Map<string, Allocation>();
  readonly evaluations = new Map<string, Evaluation>();
  readonly deployments = new Map<string, Deployment>();
  /** The event stream's buffer, oldest first (Nomad keeps a bounded buffer too). */
  readonly events: StreamEvent[] = [];

  /** How long a deployment of a new job version runs before it is marked successful. */
  constructor(private readonly deploymentMs = 10_000) {
    super();
  }

  private bump(): number {
    this.index += 1;
    queueMicrotask(() => this.emit('change', this.index));
    return this.index;
  }

  register(spec: JobSpec): void {
    const index = this.bump();
    this.jobs.set(spec.ID, {
      spec: structuredClone(spec),
      version: 0,
      createIndex: index,
      modifyIndex: index,
      jobModifyIndex: index,
      submitTimeNs: nowNs(),
      scalingEvents: Object.fromEntries(spec.TaskGroups.map((g) => [g.Name, []])),
    });
  }

  /**
   * Job.Register of a new version of an existing job (what `nomad job run` sends): the index is
   * enforced only when asked, with Nomad's messages; the new version is rolled out by a deployment
   * that runs for a while (the stand-in's allocations are not replaced) and then succeeds.
   */
  registerVersion(
    spec: JobSpec,
    enforce: { enforceIndex: boolean; jobModifyIndex: number },
  ): {
    evalId: string;
    evalCreateIndex: number;
    jobModifyIndex: number;
    index: number;
  } {
    const existing = this.jobs.get(spec.ID);
    if (existing && existing.spec.Namespace !== spec.Namespace)
      throw new NomadError(500, `job "${spec.ID}" is in another namespace`);
    if (enforce.enforceIndex) {
      const jmi = enforce.jobModifyIndex;
      if (existing && jmi === 0) throw new NomadError(500, `${enforceIndexPrefix} 0: job already exists`);
      if (existing && jmi !== existing.jobModifyIndex)
        throw new NomadError(
          500,
          `${enforceIndexPrefix} ${jmi}: job exists with conflicting job modify index: ${existing.jobModifyIndex}`,
        );
      if (!existing && jmi !== 0) throw new NomadError(500, `${enforceIndexPrefix} ${jmi}: job does not exist`);
    }
    if (!existing) {
      this.register(spec);
      const job = this.jobs.get(spec.ID)!;
      for (const g of spec.TaskGroups) this.emit('desired-changed', spec.ID, g.Name);
      this.publishJob(job);
      return { ...this.evaluate(job, 'job-register'), jobModifyIndex: job.jobModifyIndex, index: this.index };
    }
    existing.spec = structuredClone(spec);
    for (const g of spec.TaskGroups) existing.scalingEvents[g.Name] ??= [];
    existing.version += 1;
    existing.submitTimeNs = nowNs();
    existing.modifyIndex = existing.jobModifyIndex = this.bump();
    const deploymentIndex = this.bump();
    const deployment: Deployment = {
      id: randomUUID(),
      namespace: spec.Namespace,
      jobId: spec.ID,
      jobVersion: existing.version,
      jobModifyIndex: existing.jobModifyIndex,
      jobCreateIndex: existing.createIndex,
      groups: spec.TaskGroups.map((g) => g.Name),
      status: 'running',
      statusDescription: 'Deployment is running',
      createIndex: deploymentIndex,
      modifyIndex: deploymentIndex,
    };
    for (const d of this.deployments.values())
      if (d.jobId === spec.ID && activeDeploymentStatuses.has(d.status))
        this.finishDeployment(d, 'cancelled', 'Cancelled because job is stopped or updated');
    this.deployments.set(deployment.id, deployment);
    this.publishJob(existing);
    this.publishDeployment(deployment);
    const timer = setTimeout(
      () => this.finishDeployment(deployment, 'successful', 'Deployment completed successfully'),
      this.deploymentMs,
    );
    timer.unref();
    for (const g of spec.TaskGroups) this.emit('desired-changed', spec.ID, g.Name);
    return { ...this.evaluate(existing, 'job-register'), jobModifyIndex: existing.jobModifyIndex, index: this.index };
  }

  /** Adds to the event stream at the current index; the views make the payload at this moment. */
  publish(event: Omit<StreamEvent, 'Index'>): void {
    const stored = { ...event, Index: this.index };
    this.events.push(stored);
    if (this.events.length > 2000) this.events.splice(0, this.events.length - 2000);
    this.emit('event', stored);
  }

  /** The job's newest deployment, or null. */
  latestDeployment(jobId: string): Deployment | null {
    let latest: Deployment | null = null;
    for (const d of this.deployments.values())
      if (d.jobId === jobId && (!latest || d.createIndex > latest.createIndex)) latest = d;
    return latest;
  }

  finishDeployment(deployment: Deployment, status: Deployment['status'], description: string): void {
    if (!activeDeploymentStatuses.has(deployment.status)) return;
    deployment.status = status;
    deployment.statusDescription = description;
    deployment.modifyIndex = this.bump();
    this.publishDeployment(deployment);
  }

  private publishJob(job: JobState): void {
    this.publish({
      Topic: 'Job',
      Type: 'JobRegistered',
      Key: job.spec.ID,
      Namespace: job.spec.Namespace,
      FilterKeys: [],
      Payload: { Job: jobView(this, job) },
    });
  }

  private publishDeployment(d: Deployment): void {
    this.publish({
      Topic: 'Deployment',
      Type: 'DeploymentStatusUpdate',
      Key: d.id,
      Namespace: d.namespace,
      FilterKeys: [d.jobId],
      Payload: { Deployment: deploymentView(this, d) },
    });
  }

  private evaluate(job: JobState, triggeredBy: string): { evalId: string; evalCreateIndex: number } {
    const evaluation: Evaluation = {
      id: randomUUID(),
      jobId: job.spec.ID,
      namespace: job.spec.Namespace,
      triggeredBy,
      jobModifyIndex: job.jobModifyIndex,
      createIndex: this.bump(),
      createTimeNs: nowNs(),
    };
    this.evaluations.set(evaluation.id, evaluation);
    return { evalId: evaluation.id, evalCreateIndex: evaluation.createIndex };
  }

  job(namespace: string, jobId: string): JobState {
    const job = this.jobs.get(jobId);
    if (!job || job.spec.Namespace !== namespace) throw new NomadError(404, 'job not found');
    return job;
  }

  group(job: JobState, name: string): TaskGroupSpec | undefined {
    return job.spec.TaskGroups.find((g) => g.Name === name);
  }

  allocationsOf(jobId: string, group?: string): Allocation[] {
    return [...this.allocations.values()].filter(
      (a) => a.jobId === jobId && (group === undefined || a.group === group),
    );
  }

  /** Nomad's Job.Scale: the same checks, in the same order, with the same messages. */
  scale(
    namespace: string,
    jobId: string,
    request: {
      count: number | null;
      group: string;
      message: string;
      error: boolean;
      meta: Record<string, unknown> | null;
      enforceIndex?: boolean;
      jobModifyIndex?: number;
    },
  ): { evalId: string; evalCreateIndex: number; jobModifyIndex: number; index: number } {
    const job = this.job(namespace, jobId);
    const group = this.group(job, request.group);
    if (!group) throw new NomadError(400, `task group "${request.group}" specified for scaling does not exist in job`);
    const previousCount = group.Count;
    let evalId = '';
    let evalCreateIndex = 0;
    if (request.count !== null) {
      if (request.count < 0) throw new NomadError(400, "scaling action count can't be negative");
      if (group.Scaling && request.count < group.Scaling.Min) {
        throw new NomadError(
          400,
          `group count was less than scaling policy minimum: ${request.count} < ${group.Scaling.Min}`,
        );
      }
      if (group.Scaling && group.Scaling.Max < request.count) {
        throw new NomadError(
          400,
          `group count was greater than scaling policy maximum: ${request.count} > ${group.Scaling.Max}`,
        );
      }
      // A deployment of this job still rolling out holds it: Nomad refuses to scale meanwhile.
      const deployment = this.latestDeployment(jobId);
      if (
        deployment &&
        activeDeploymentStatuses.has(deployment.status) &&
        deployment.jobCreateIndex === job.createIndex
      )
        throw new NomadError(400, 'job scaling blocked due to active deployment');
      // The index is enforced only when asked (EnforceIndex); a JobModifyIndex alone is ignored,
      // and so is EnforceIndex with an index of zero (JobScaleRequest's documented rule).
      if (
        request.enforceIndex &&
        (request.jobModifyIndex ?? 0) !== 0 &&
        request.jobModifyIndex !== job.jobModifyIndex
      ) {
        throw new NomadError(
          500,
          `${enforceIndexPrefix} ${request.jobModifyIndex ?? 0}: job exists with conflicting job modify index: ${job.jobModifyIndex}`,
        );
      }
      group.Count = request.count;
      job.version += 1;
      job.submitTimeNs = nowNs();
      job.modifyIndex = job.jobModifyIndex = this.bump();
      ({ evalId, evalCreateIndex } = this.evaluate(job, 'job-scaling'));
    }
    const eventIndex = this.bump();
    job.scalingEvents[group.Name]!.unshift({
      count: request.count,
      previousCount,
      message: request.message,
      error: request.error,
      meta: request.meta,
      evalId: evalId || null,
      timeNs: nowNs(),
      createIndex: eventIndex,
    });
    this.emit('desired-changed', jobId, group.Name);
    if (request.count !== null) this.publishJob(job);
    return { evalId, evalCreateIndex, jobModifyIndex: job.jobModifyIndex, index: eventIndex };
  }

  createAllocation(job: JobState, group: TaskGroupSpec, slot: number, ports: Record<string, number>): Allocation {
    const index = this.bump();
    const alloc: Allocation = {
      id: randomUUID(),
      evalId: randomUUID(),
      name: `${job.spec.ID}.${group.Name}[${slot}]`,
      index: slot,
      jobId: job.spec.ID,
      group: group.Name,
      desiredStatus: 'run',
      clientStatus: 'pending',
      ports,
      restarts: 0,
      createIndex: index,
      modifyIndex: index,
      createTimeNs: nowNs(),
      modifyTimeNs: nowNs(),
      startedAt: null,
      finishedAt: null,
      taskEvents: [],
    };
    this.allocations.set(alloc.id, alloc);
    return alloc;
  }

  updateAllocation(
    alloc: Allocation,
    change: Partial<Pick<Allocation, 'desiredStatus' | 'clientStatus' | 'startedAt' | 'finishedAt'>>,
    taskEvent?: Allocation['taskEvents'][number],
  ): void {
    Object.assign(alloc, change);
    if (taskEvent) alloc.taskEvents.push(taskEvent);
    alloc.modifyIndex = this.bump();
    alloc.modifyTimeNs = nowNs();
    const job = this.jobs.get(alloc.jobId);
    const namespace = job?.spec.Namespace ?? 'default';
    this.publish({
      Topic: 'Allocation',
      Type: 'AllocationUpdated',
      Key: alloc.id,
      Namespace: namespace,
      FilterKeys: [alloc.jobId],
      Payload: { Allocation: allocationStubView(this, alloc, namespace) },
    });
  }

  /** Terminal allocations beyond the newest `keep` per group are garbage-collected, as Nomad's GC does. */
  collectGarbage(keep = 50): void {
    const terminal = [...this.allocations.values()]
      .filter((a) => a.clientStatus === 'complete' || a.clientStatus === 'failed')
      .sort((a, b) => b.modifyIndex - a.modifyIndex);
    for (const alloc of terminal.slice(keep)) this.allocations.delete(alloc.id);
  }
}
