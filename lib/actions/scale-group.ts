import { z } from 'zod';
import type { User } from '../auth/authenticate';
import type { ScaleTarget, WarroomConfig } from '../config/schema';
import type { NomadClient } from '../sources/nomad/client';
import type { AuditLog, AuditRow } from '../store/audit-log';
import { actionFail, actionOk, type ActionResult } from './result';

/**
 * Scaling a worker group through Nomad: a preview (current and new count, bounds, cooldown, the
 * projected drain time) and the execution behind every check, with an audit row written before
 * Nomad is called and completed after. Plain functions: the routes call them through the guard,
 * and a test or a script can call them directly.
 */
export const ScalePreviewInput = z.strictObject({
  job: z.string().min(1).max(200),
  group: z.string().min(1).max(200),
  count: z
    .number()
    .int('count must be a whole number')
    .min(0, 'count cannot be negative')
    .max(10_000, 'count is unreasonably large'),
});

export const ScaleInput = ScalePreviewInput.extend({
  reason: z.string().trim().min(3, 'give a reason (at least 3 characters)').max(500),
  idempotencyKey: z.string().min(8).max(100),
  expectedModifyIndex: z.number().int().positive().optional(),
  overrideCooldown: z.boolean().optional(),
  /** The group's name, typed by the user, for large changes. */
  confirm: z.string().max(200).optional(),
});

export interface ScaleDeps {
  config: WarroomConfig;
  nomad: NomadClient;
  audit: AuditLog;
  nowMs?: () => number;
  /** Backlog and rates of the queue this group drains, for the projection. */
  queueFor?: (
    job: string,
    group: string,
  ) => { ready: number; arrivalPerSec: number | null; perConsumerPerSec: number | null } | null;
}

export interface ScalePreview {
  job: string;
  group: string;
  current: number;
  to: number;
  running: number | null;
  bounds: {
    min: number;
    max: number;
    nomadMin: number | null;
    nomadMax: number | null;
    limitMin: number;
    limitMax: number;
  };
  jobModifyIndex: number;
  cooldown: { seconds: number; remainingSec: number; lastBy: string | null; lastAt: string | null };
  largeChange: boolean;
  confirmPhrase: string;
  projection: { drainSeconds: number | null; capacityPerSec: number | null; arrivalPerSec: number | null } | null;
  /** Why it cannot be done now (bounds, cooldown), or null. */
  blocked: string | null;
}

export interface ScaleOutcome {
  auditId: number;
  job: string;
  group: string;
  from: number;
  to: number;
  evalId: string;
  repeated: boolean;
}

function findTarget(config: WarroomConfig, job: string, group: string): ScaleTarget | undefined {
  return config.actions.scale.targets.find((t) => t.job === job && t.group === group);
}

function isLargeChange(current: number, to: number, factor: number): boolean {
  return to === 0 || (current > 0 && to > current * factor) || (current > 0 && to < current / factor);
}

async function readTarget(deps: ScaleDeps, job: string, group: string) {
  const result = await deps.nomad.job(job);
  if (!result.ok) {
    return /HTTP 404/.test(result.error)
      ? actionFail('not_found', `Nomad has no job "${job}"`)
      : actionFail('upstream', result.error);
  }
  const tg = result.value.TaskGroups.find((g) => g.Name === group);
  if (!tg) return actionFail('not_found', `Nomad job "${job}" has no group "${group}"`);
  return actionOk({
    count: tg.Count,
    nomadMin: tg.Scaling?.Min ?? null,
    nomadMax: tg.Scaling?.Max ?? null,
    jobModifyIndex: result.value.JobModifyIndex,
  });
}

export async function previewScale(
  deps: ScaleDeps,
  input: z.infer<typeof ScalePreviewInput>,
): Promise<ActionResult<ScalePreview>> {
  const target = findTarget(deps.config, input.job, input.group);
  if (!target)
    return actionFail(
      'not_found',
      `${input.job}/${input.group} is not a scale target in the configuration (actions.scale.targets)`,
    );
  const read = await readTarget(deps, input.job, input.group);
  if (!read.ok) return read;
  const nomad = read.value;
  const min = Math.max(target.min, nomad.nomadMin ?? 0);
  const max = Math.min(target.max, nomad.nomadMax ?? Number.MAX_SAFE_INTEGER);
  const now = deps.nowMs?.() ?? Date.now();
  const last = await deps.audit.lastSucceeded(input.job, input.group);
  const sinceMs = last ? now - Date.parse(last.completedAt ?? last.createdAt) : Number.POSITIVE_INFINITY;
  const remainingSec = Math.max(0, Math.ceil((target.cooldownSec * 1000 - sinceMs) / 1000));
  let blocked: string | null = null;
  if (input.count < min || input.count > max)
    blocked = `${input.count} is outside the allowed ${min}-${max} for ${input.job}/${input.group}`;
  else if (input.count === nomad.count) blocked = `${input.job}/${input.group} already runs ${nomad.count}`;
  else if (remainingSec > 0)
    blocked = `cooldown: ${input.job}/${input.group} was scaled by ${last!.actor} ${Math.round(sinceMs / 1000)} s ago; ${remainingSec} s left`;
  const q = deps.queueFor?.(input.job, input.group) ?? null;
  let projection: ScalePreview['projection'] = null;
  if (q) {
    const capacityPerSec = q.perConsumerPerSec === null ? null : q.perConsumerPerSec * input.count;
    const spare = capacityPerSec !== null && q.arrivalPerSec !== null ? capacityPerSec - q.arrivalPerSec : null;
    projection = {
      capacityPerSec,
      arrivalPerSec: q.arrivalPerSec,
      drainSeconds: spare !== null && spare > 0 ? Math.round(q.ready / spare) : null,
    };
  }
  return actionOk({
    job: input.job,
    group: input.group,
    current: nomad.count,
    to: input.count,
    running: null,
    bounds: {
      min,
      max,
      nomadMin: nomad.nomadMin,
      nomadMax: nomad.nomadMax,
      limitMin: target.min,
      limitMax: target.max,
    },
    jobModifyIndex: nomad.jobModifyIndex,
    cooldown: {
      seconds: target.cooldownSec,
      remainingSec,
      lastBy: last?.actor ?? null,
      lastAt: last?.completedAt ?? null,
    },
    largeChange: isLargeChange(nomad.count, input.count, deps.config.actions.scale.largeChangeFactor),
    confirmPhrase: input.group,
    projection,
    blocked,
  });
}

function repeatOf(row: AuditRow): ActionResult<ScaleOutcome> {
  if (row.outcome === 'succeeded') {
    return actionOk({
      auditId: row.id,
      job: row.job,
      group: row.group,
      from: row.from ?? row.to,
      to: row.to,
      evalId: row.evalId ?? '',
      repeated: true,
    });
  }
  if (row.outcome === 'pending') return actionFail('conflict', `this request (audit #${row.id}) is still in progress`);
  return actionFail(
    row.outcome === 'refused' ? 'invalid' : 'upstream',
    `this request (audit #${row.id}) already ${row.outcome}: ${row.error ?? ''}`.trim(),
  );
}

export async function executeScale(
  deps: ScaleDeps,
  user: User,
  input: z.infer<typeof ScaleInput>,
): Promise<ActionResult<ScaleOutcome>> {
  const target = findTarget(deps.config, input.job, input.group);
  if (!target)
    return actionFail(
      'not_found',
      `${input.job}/${input.group} is not a scale target in the configuration (actions.scale.targets)`,
    );
  if (input.count < target.min || input.count > target.max) {
    return actionFail(
      'invalid',
      `count ${input.count} is outside warroom's limits for ${input.job}/${input.group}: ${target.min}-${target.max}`,
    );
  }
  const previous = await deps.audit.byIdempotencyKey(input.idempotencyKey);
  if (previous) return repeatOf(previous);

  const override = Boolean(input.overrideCooldown);
  if (override && user.role !== 'admin') return actionFail('forbidden', 'only an admin may override the cooldown');
  const now = deps.nowMs?.() ?? Date.now();
  const last = await deps.audit.lastSucceeded(input.job, input.group);
  if (last && !override) {
    const sinceMs = now - Date.parse(last.completedAt ?? last.createdAt);
    if (sinceMs < target.cooldownSec * 1000) {
      return actionFail(
        'cooldown',
        `${input.job}/${input.group} was scaled by ${last.actor} ${Math.round(sinceMs / 1000)} s ago; the cooldown is ${target.cooldownSec} s${user.role === 'admin' ? ' (you may override it)' : ''}`,
      );
    }
  }

  const row = await deps.audit.begin({
    actor: user.name,
    actorRole: user.role,
    action: 'scale',
    job: input.job,
    group: input.group,
    to: input.count,
    reason: input.reason,
    cooldownOverride: override,
    idempotencyKey: input.idempotencyKey,
  });
  if (!row) {
    const raced = await deps.audit.byIdempotencyKey(input.idempotencyKey);
    return raced ? repeatOf(raced) : actionFail('conflict', 'this request is already in progress');
  }
  const refuse = async (code: 'invalid' | 'not_found' | 'conflict', message: string, from: number | null = null) => {
    await deps.audit.complete(row.id, { outcome: 'refused', from, error: message });
    return actionFail<ScaleOutcome>(code, message);
  };

  const read = await readTarget(deps, input.job, input.group);
  if (!read.ok) {
    if (read.error.code === 'not_found') return refuse('not_found', read.error.message);
    await deps.audit.complete(row.id, { outcome: 'failed', error: read.error.message });
    return read;
  }
  const current = read.value;
  if (current.nomadMin !== null && input.count < current.nomadMin)
    return refuse(
      'invalid',
      `count ${input.count} is below the group's Nomad scaling minimum ${current.nomadMin}`,
      current.count,
    );
  if (current.nomadMax !== null && input.count > current.nomadMax)
    return refuse(
      'invalid',
      `count ${input.count} is above the group's Nomad scaling maximum ${current.nomadMax}`,
      current.count,
    );
  if (input.expectedModifyIndex !== undefined && input.expectedModifyIndex !== current.jobModifyIndex) {
    return refuse(
      'conflict',
      `the job changed since the preview (modify index ${input.expectedModifyIndex} -> ${current.jobModifyIndex}); preview again`,
      current.count,
    );
  }
  if (input.count === current.count)
    return refuse('invalid', `${input.job}/${input.group} already runs ${current.count}`, current.count);
  if (
    isLargeChange(current.count, input.count, deps.config.actions.scale.largeChangeFactor) &&
    input.confirm !== input.group
  ) {
    return refuse(
      'invalid',
      `${current.count} -> ${input.count} is a large change: type the group name "${input.group}" to confirm`,
      current.count,
    );
  }

  const scaled = await deps.nomad.scale(input.job, {
    Count: input.count,
    Target: { Group: input.group },
    Message: `warroom: ${user.name}: ${input.reason}`,
    Meta: { 'warroom.user': user.name, 'warroom.reason': input.reason, 'warroom.audit_id': String(row.id) },
    JobModifyIndex: current.jobModifyIndex,
  });
  if (!scaled.ok) {
    if (/conflicting job modify index/.test(scaled.error))
      return refuse(
        'conflict',
        'someone changed the job while this request was in flight; preview again',
        current.count,
      );
    if (scaled.status === 400) return refuse('invalid', scaled.error, current.count);
    await deps.audit.complete(row.id, { outcome: 'failed', from: current.count, error: scaled.error });
    return actionFail('upstream', scaled.error);
  }
  await deps.audit.complete(row.id, { outcome: 'succeeded', from: current.count, evalId: scaled.value.EvalID });
  return actionOk({
    auditId: row.id,
    job: input.job,
    group: input.group,
    from: current.count,
    to: input.count,
    evalId: scaled.value.EvalID,
    repeated: false,
  });
}
