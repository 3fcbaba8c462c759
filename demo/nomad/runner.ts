import { spawn, type ChildProcess } from 'node:child_process';
import { openSync, closeSync, writeFileSync, renameSync } from 'node:fs';
import path from 'node:path';
import type { Allocation, Cluster, JobState } from './cluster';
import type { TaskGroupSpec } from './job-spec';
import type { PortPool } from './port-pool';

/**
 * The stand-in's client: makes each group's running allocations match its desired count by
 * starting and stopping real child processes. Stopping sends SIGTERM and allows the task's
 * KillTimeout before SIGKILL, so a consumer can finish its message. A task that dies on its own
 * is replaced, as Nomad reschedules a failed allocation.
 */
export class Runner {
  private readonly children = new Map<string, ChildProcess>();
  private reconcileTimer: NodeJS.Timeout | null = null;
  private shuttingDown = false;

  constructor(
    private readonly cluster: Cluster,
    private readonly ports: PortPool,
    private readonly options: { allocLogDir: string; targetsDir: string; log: (msg: string) => void },
  ) {
    cluster.on('desired-changed', () => this.scheduleReconcile(0));
  }

  scheduleReconcile(delayMs: number): void {
    if (this.shuttingDown || this.reconcileTimer) return;
    this.reconcileTimer = setTimeout(() => {
      this.reconcileTimer = null;
      this.reconcile();
    }, delayMs);
  }

  reconcile(): void {
    for (const job of this.cluster.jobs.values()) {
      for (const group of job.spec.TaskGroups) this.reconcileGroup(job, group);
    }
    this.cluster.collectGarbage();
    this.writeTargets();
  }

  private reconcileGroup(job: JobState, group: TaskGroupSpec): void {
    const live = this.cluster
      .allocationsOf(job.spec.ID, group.Name)
      .filter((a) => a.desiredStatus === 'run' && (a.clientStatus === 'pending' || a.clientStatus === 'running'))
      .sort((a, b) => a.index - b.index);
    if (live.length > group.Count) {
      for (const alloc of live.slice(group.Count)) this.stop(alloc, group);
      return;
    }
    const usedSlots = new Set(live.map((a) => a.index));
    for (let slot = 0, missing = group.Count - live.length; missing > 0; slot++) {
      if (usedSlots.has(slot)) continue;
      this.start(job, group, slot);
      missing--;
    }
  }

  private start(job: JobState, group: TaskGroupSpec, slot: number): void {
    const ports: Record<string, number> = {};
    for (const network of group.Networks) {
      for (const p of network.ReservedPorts) ports[p.Label] = p.Value!;
      for (const p of network.DynamicPorts) ports[p.Label] = this.ports.take();
    }
    const alloc = this.cluster.createAllocation(job, group, slot, ports);
    const task = group.Tasks[0]!;
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      ...task.Env,
      NOMAD_ALLOC_ID: alloc.id,
      NOMAD_ALLOC_NAME: alloc.name,
      NOMAD_ALLOC_INDEX: String(slot),
      NOMAD_JOB_NAME: job.spec.Name,
      NOMAD_GROUP_NAME: group.Name,
      NOMAD_TASK_NAME: task.Name,
      NOMAD_NAMESPACE: job.spec.Namespace,
    };
    for (const [label, port] of Object.entries(ports)) {
      env[`NOMAD_PORT_${label}`] = String(port);
      env[`NOMAD_ADDR_${label}`] = `127.0.0.1:${port}`;
    }
    delete env.NOMAD_STANDIN_TOKEN;
    const logFile = openSync(path.join(this.options.allocLogDir, `${job.spec.ID}.${group.Name}.log`), 'a');
    const child = spawn(task.Config.command, task.Config.args, { env, stdio: ['ignore', logFile, logFile] });
    closeSync(logFile);
    this.children.set(alloc.id, child);
    child.once('spawn', () => {
      this.cluster.updateAllocation(alloc, { clientStatus: 'running', startedAt: new Date().toISOString() });
      this.writeTargets();
    });
    child.once('exit', (code, signal) => {
      this.children.delete(alloc.id);
      for (const [label, port] of Object.entries(alloc.ports)) {
        if (!group.Networks.some((n) => n.ReservedPorts.some((p) => p.Label === label))) this.ports.release(port);
      }
      const expected = alloc.desiredStatus === 'stop';
      this.cluster.updateAllocation(
        alloc,
        { clientStatus: expected || code === 0 ? 'complete' : 'failed', finishedAt: new Date().toISOString() },
        {
          Type: 'Terminated',
          Time: Date.now() * 1_000_000,
          DisplayMessage: `Exit Code: ${code ?? 0}${signal ? `, Signal: ${signal}` : ''}`,
          Details: { exit_code: String(code ?? 0), signal: signal ?? '', oom_killed: 'false' },
        },
      );
      if (!expected) {
        this.options.log(`${alloc.name} exited unexpectedly (code ${code}, signal ${signal}); rescheduling`);
        this.scheduleReconcile(1000);
      }
      this.writeTargets();
    });
  }

  private stop(alloc: Allocation, group: TaskGroupSpec): void {
    this.cluster.updateAllocation(alloc, { desiredStatus: 'stop' });
    const child = this.children.get(alloc.id);
    if (!child) return;
    child.kill('SIGTERM');
    const killTimeoutMs = group.Tasks[0]!.KillTimeout / 1_000_000;
    const timer = setTimeout(() => child.kill('SIGKILL'), killTimeoutMs);
    child.once('exit', () => clearTimeout(timer));
  }

  /** Prometheus file_sd: one target per running allocation of each service tagged "prometheus". */
  private writeTargets(): void {
    for (const job of this.cluster.jobs.values()) {
      const targets = [];
      for (const group of job.spec.TaskGroups) {
        for (const service of group.Services.filter((s) => s.Tags.includes('prometheus'))) {
          for (const alloc of this.cluster.allocationsOf(job.spec.ID, group.Name)) {
            if (alloc.clientStatus !== 'running' || alloc.desiredStatus !== 'run') continue;
            const port = alloc.ports[service.PortLabel];
            if (port === undefined) continue;
            targets.push({
              targets: [`127.0.0.1:${port}`],
              labels: {
                service: service.Name,
                nomad_job: job.spec.ID,
                nomad_group: group.Name,
                nomad_alloc: alloc.name,
              },
            });
          }
        }
      }
      const file = path.join(this.options.targetsDir, `nomad-${job.spec.ID}.json`);
      writeFileSync(`${file}.tmp`, JSON.stringify(targets, null, 1));
      renameSync(`${file}.tmp`, file);
    }
  }

  /** Stops every allocation and waits for the processes to exit. */
  async shutdown(): Promise<void> {
    this.shuttingDown = true;
    const exits = [...this.children.values()].map((child) => new Promise((resolve) => child.once('exit', resolve)));
    for (const job of this.cluster.jobs.values()) {
      for (const group of job.spec.TaskGroups) {
        for (const alloc of this.cluster.allocationsOf(job.spec.ID, group.Name)) {
          if (alloc.desiredStatus === 'run') this.stop(alloc, group);
        }
      }
    }
    await Promise.all(exits);
  }
}
