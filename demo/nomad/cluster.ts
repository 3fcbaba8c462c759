import { EventEmitter } from 'node:events';
import { randomUUID } from 'node:crypto';
import type { JobSpec, TaskGroupSpec } from './job-spec';

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

export class Cluster extends EventEmitter {
  index = 1;
  readonly nodeId = randomUUID();
  readonly jobs = new Map<string, JobState>();
  readonly allocations = new Map<string, Allocation>();
  readonly evaluations = new Map<string, Evaluation>();

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
      if (request.jobModifyIndex && request.jobModifyIndex > 0 && request.jobModifyIndex !== job.jobModifyIndex) {
        throw new NomadError(
          500,
          `Enforcing job modify index ${request.jobModifyIndex}: job exists with conflicting job modify index: ${job.jobModifyIndex}`,
        );
      }
      group.Count = request.count;
      job.version += 1;
      job.submitTimeNs = nowNs();
      job.modifyIndex = job.jobModifyIndex = this.bump();
      const evaluation: Evaluation = {
        id: randomUUID(),
        jobId,
        namespace,
        triggeredBy: 'job-scaling',
        jobModifyIndex: job.jobModifyIndex,
        createIndex: this.bump(),
        createTimeNs: nowNs(),
      };
      this.evaluations.set(evaluation.id, evaluation);
      evalId = evaluation.id;
      evalCreateIndex = evaluation.createIndex;
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
    };
    this.allocations.set(alloc.id, alloc);
    return alloc;
  }

  updateAllocation(
    alloc: Allocation,
    change: Partial<Pick<Allocation, 'desiredStatus' | 'clientStatus' | 'startedAt' | 'finishedAt'>>,
  ): void {
    Object.assign(alloc, change);
    alloc.modifyIndex = this.bump();
    alloc.modifyTimeNs = nowNs();
  }

  /** Terminal allocations beyond the newest `keep` per group are garbage-collected, as Nomad's GC does. */
  collectGarbage(keep = 50): void {
    const terminal = [...this.allocations.values()]
      .filter((a) => a.clientStatus === 'complete' || a.clientStatus === 'failed')
      .sort((a, b) => b.modifyIndex - a.modifyIndex);
    for (const alloc of terminal.slice(keep)) this.allocations.delete(alloc.id);
  }
}
