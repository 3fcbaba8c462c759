import { z } from 'zod';
import { redactorFor, urlSecrets } from '../../format/redact';
import type { TimelineEvent } from '../../contracts/timeline';

/**
 * Nomad's event stream (GET /v1/event/stream): newline-delimited JSON, one `{Index, Events}` line
 * per Raft index and `{}` heartbeats. Followed from an index, reconnecting with backoff from the
 * last index seen, so that nothing is missed or repeated across a broken connection. What matters
 * to an incident (a deployment's progress, an allocation failing, killed for memory, restarting)
 * becomes timeline events.
 */
export const StreamEventSchema = z.looseObject({
  Topic: z.string(),
  Type: z.string(),
  Key: z.string(),
  Namespace: z.string().optional(),
  FilterKeys: z.array(z.string()).nullable().optional(),
  Index: z.number().int(),
  Payload: z.record(z.string(), z.unknown()),
});
export type StreamEvent = z.infer<typeof StreamEventSchema>;

export const StreamLineSchema = z.looseObject({
  Index: z.number().int().optional(),
  Events: z.array(StreamEventSchema).optional(),
});

const DeploymentPayload = z.looseObject({
  Deployment: z.looseObject({
    ID: z.string(),
    JobID: z.string(),
    JobVersion: z.number().int(),
    Status: z.string(),
    StatusDescription: z.string(),
  }),
});

const TaskEvent = z.looseObject({
  Type: z.string(),
  DisplayMessage: z.string().optional(),
  Details: z.record(z.string(), z.string()).nullable().optional(),
});
const AllocationPayload = z.looseObject({
  Allocation: z.looseObject({
    ID: z.string(),
    Name: z.string(),
    JobID: z.string(),
    TaskGroup: z.string(),
    ClientStatus: z.string(),
    TaskStates: z
      .record(
        z.string(),
        z.looseObject({ Restarts: z.number().int().optional(), Events: z.array(TaskEvent).nullable() }),
      )
      .nullable()
      .optional(),
  }),
});

const JobPayload = z.looseObject({
  Job: z.looseObject({
    ID: z.string(),
    Version: z.number().int(),
    Stop: z.boolean().optional(),
    TaskGroups: z.array(z.looseObject({ Name: z.string() })).nullable(),
  }),
});

const stoppedShape = 'stopped';

/** Job fields that change with every registration, a scale's included: they say nothing of what changed. */
const volatileJobFields = new Set(['Version', 'SubmitTime', 'Status', 'StatusDescription', 'Stable', 'TaskGroups']);

/**
 * What a job registration changes beyond counts: a scale registers the job too (and a paused or
 * restored autoscaler policy flips Scaling.Enabled), but those are on the timeline already as
 * worker counts and audited actions, so they are left out, with Raft indexes and the fields every
 * registration moves. The rest of the job (Meta, Datacenters, constraints...) and each group's
 * spec are compared, groups by name, so that what changed can be named.
 */
export function jobShape(job: { Stop?: boolean; TaskGroups: Array<Record<string, unknown>> | null }): string {
  if (job.Stop === true) return stoppedShape;
  const groups: Record<string, string> = {};
  for (const g of job.TaskGroups ?? []) {
    const rest: Record<string, unknown> = { ...g };
    delete rest.Count;
    const scaling = { ...((g.Scaling as Record<string, unknown> | null | undefined) ?? {}) };
    delete scaling.Enabled;
    groups[String(g.Name)] = JSON.stringify(withoutIndexes({ ...rest, Scaling: scaling }));
  }
  const jobLevel = Object.fromEntries(Object.entries(job).filter(([k]) => !volatileJobFields.has(k)));
  return JSON.stringify({ job: JSON.stringify(withoutIndexes(jobLevel)), groups });
}

/** Raft indexes move with every write (a scale's too): they say nothing of what changed. */
function withoutIndexes(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutIndexes);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value)
      .filter(([k]) => !/Index$/.test(k))
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([k, v]) => [k, withoutIndexes(v)]),
  );
}

/** What differs between two shapes: the groups added, removed or changed, by name, and "job settings". */
function changedParts(before: string, after: string): string[] {
  const a = JSON.parse(before) as { job: string; groups: Record<string, string> };
  const b = JSON.parse(after) as { job: string; groups: Record<string, string> };
  const groups = [...new Set([...Object.keys(a.groups), ...Object.keys(b.groups)])]
    .filter((n) => a.groups[n] !== b.groups[n])
    .sort()
    .map((n) => `group ${n}`);
  return a.job === b.job ? groups : ['job settings', ...groups];
}

export interface EventStreamOptions {
  url: string;
  token?: string;
  namespace: string;
  topics: string[];
  /** Start after this index (0: from now). */
  index: number;
  onEvents: (events: StreamEvent[], index: number) => void;
  /** Told when the stream breaks (redacted), before it reconnects. */
  onError?: (message: string) => void;
}

/** Follows the stream until `stop()`; reconnects from the last index with a growing pause (to 30 s). */
export function followNomadEvents(options: EventStreamOptions): { stop: () => void; index: () => number } {
  const scrub = redactorFor([...urlSecrets(options.url), options.token]);
  let index = options.index;
  let stopped = false;
  let controller: AbortController | null = null;
  let attempt = 0;

  const run = async () => {
    while (!stopped) {
      controller = new AbortController();
      const params = new URLSearchParams({ namespace: options.namespace });
      if (index > 0) params.set('index', String(index));
      for (const t of options.topics) params.append('topic', t);
      try {
        const res = await fetch(`${options.url.replace(/\/$/, '')}/v1/event/stream?${params}`, {
          headers: options.token ? { 'X-Nomad-Token': options.token } : {},
          signal: controller.signal,
        });
        if (!res.ok || !res.body) throw new Error(`HTTP ${res.status} ${(await res.text()).trim().slice(0, 200)}`);
        attempt = 0;
        const decoder = new TextDecoder();
        let buffer = '';
        for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
          buffer += decoder.decode(chunk, { stream: true });
          let newline: number;
          while ((newline = buffer.indexOf('\n')) >= 0) {
            const line = buffer.slice(0, newline).trim();
            buffer = buffer.slice(newline + 1);
            if (!line) continue;
            let json: unknown;
            try {
              json = JSON.parse(line);
            } catch {
              continue; // not a line of the stream: skipped, the next one is read
            }
            const parsed = StreamLineSchema.safeParse(json);
            if (!parsed.success || !parsed.data.Events || parsed.data.Index === undefined) continue; // a heartbeat
            if (parsed.data.Index <= index) continue;
            index = parsed.data.Index;
            options.onEvents(parsed.data.Events, index);
          }
        }
        throw new Error('the stream ended');
      } catch (err) {
        if (stopped) return;
        options.onError?.(scrub(`Nomad event stream: ${(err as Error).message}`));
        attempt += 1;
        await new Promise((resolve) => setTimeout(resolve, Math.min(30_000, 500 * 2 ** attempt)));
      }
    }
  };
  void run();
  return {
    stop: () => {
      stopped = true;
      controller?.abort();
    },
    index: () => index,
  };
}

/**
 * The timeline events in a batch of stream events, for the jobs of the pipeline (job id -> the
 * stage it runs). `seen` remembers what was said per allocation, so that an allocation updated
 * many times is reported once per state.
 */
export function timelineFromNomad(
  events: StreamEvent[],
  stageOfJob: ReadonlyMap<string, string>,
  seen: Map<string, string>,
  at: string,
): TimelineEvent[] {
  const out: TimelineEvent[] = [];
  for (const e of events) {
    if (e.Topic === 'Deployment') {
      const p = DeploymentPayload.safeParse(e.Payload);
      if (!p.success || !stageOfJob.has(p.data.Deployment.JobID)) continue;
      const d = p.data.Deployment;
      const said = `${d.ID}:${d.Status}`;
      if (seen.get(d.ID) === said) continue;
      seen.set(d.ID, said);
      out.push({
        at,
        kind: 'deployment',
        stageId: stageOfJob.get(d.JobID)!,
        message: `Deployment of ${d.JobID} version ${d.JobVersion}: ${d.Status}${d.StatusDescription ? ` (${d.StatusDescription})` : ''}.`,
      });
    } else if (e.Topic === 'Job') {
      const p = JobPayload.safeParse(e.Payload);
      if (!p.success || !stageOfJob.has(p.data.Job.ID)) continue;
      const job = p.data.Job;
      const key = `job:${job.ID}`;
      const before = seen.get(key);
      const stageId = stageOfJob.get(job.ID)!;
      const shape = e.Type === 'JobDeregistered' ? stoppedShape : jobShape(job);
      seen.set(key, shape);
      // Without a shape to compare with (one is read when the stream starts) nothing can be said.
      if (before === undefined || before === shape) continue;
      let message: string;
      if (shape === stoppedShape) message = `Job ${job.ID} was stopped.`;
      else if (before === stoppedShape) message = `Job ${job.ID} was started again (version ${job.Version}).`;
      else {
        const parts = changedParts(before, shape);
        message = `A new version of job ${job.ID} was registered (version ${job.Version})${parts.length > 0 ? `: ${parts.join(', ')} changed` : ''}.`;
      }
      out.push({ at, kind: 'job-registered', stageId, message });
    } else if (e.Topic === 'Allocation') {
      const p = AllocationPayload.safeParse(e.Payload);
      if (!p.success || !stageOfJob.has(p.data.Allocation.JobID)) continue;
      const a = p.data.Allocation;
      const taskEvents = Object.values(a.TaskStates ?? {}).flatMap((t) => t.Events ?? []);
      const oom = taskEvents.some((t) => t.Details?.oom_killed === 'true');
      const restarts = Object.values(a.TaskStates ?? {}).reduce((n, t) => n + (t.Restarts ?? 0), 0);
      const last = taskEvents.at(-1);
      let state: string | null = null;
      let message = '';
      if (oom) {
        state = 'oom';
        message = `${a.Name} was killed for running out of memory (OOM)${last?.DisplayMessage ? `: ${last.DisplayMessage}` : ''}.`;
      } else if (a.ClientStatus === 'failed') {
        state = 'failed';
        message = `${a.Name} failed${last?.DisplayMessage ? `: ${last.DisplayMessage}` : ''}.`;
      } else if (restarts > 0) {
        state = `restarts:${restarts}`;
        message = `${a.Name} restarted (${restarts} ${restarts === 1 ? 'restart' : 'restarts'})${last?.DisplayMessage ? `: ${last.DisplayMessage}` : ''}.`;
      }
      if (!state || seen.get(a.ID) === state) continue;
      seen.set(a.ID, state);
      out.push({ at, kind: 'allocation-trouble', stageId: stageOfJob.get(a.JobID)!, message });
    }
  }
  // Bounded memory: the oldest entries go first (Map keeps insertion order); a job's shape is kept.
  for (const k of seen.keys()) {
    if (seen.size <= 5000) break;
    if (!k.startsWith('job:')) seen.delete(k);
  }
  return out;
}
