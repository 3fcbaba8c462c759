import type { User } from '../auth/authenticate';
import type { ScaleTarget, WarroomConfig } from '../config/schema';
import type { Role } from '../contracts/viewer';
import { actionFail, actionOk, type ActionResult } from '../contracts/result';
import type { ScaleInput, ScaleOutcome, ScalePreview, ScalePreviewInput } from '../contracts/scale';
import type { ErrorCode } from '../contracts/errors';
import { autoscalerOf, type NomadClient } from '../sources/nomad/client';
import type { NomadJob } from '../sources/nomad/schemas';
import { activeDeploymentStatuses } from '../sources/nomad/schemas';
import type { AuditLog } from '../store/audit-log';
import type { AutoscalerPauses } from '../store/autoscaler-pauses';
import { LockTimeout } from '../store/db';
import type { AuditRow } from '../contracts/audit';

/**
 * Scaling a worker group through Nomad. One check (`checkScale`, pure) decides; the preview
 * shows its verdict and the execution obeys it, so the two cannot disagree. The execution writes
 * its audit row before Nomad is called and completes it after. Plain functions: the routes call
 * them through the request gate, and a test or a script can call them directly.
 */
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
  /**
   * Runs one scale of a group at a time, across every replica on the database (the audit log's
   * cooldown and the group's current count are read inside); rejects when the wait is too long.
   */
  serialise?: <T>(key: string, fn: () => Promise<T>) => Promise<T>;
  /** Autoscaler policies paused by a scale, restored by `restoreDuePauses`. */
  pauses?: AutoscalerPauses;
}

/** The audit actions of this module: a scale, a scale that paused the autoscaler, and its restore. */
export const scaleActions = {
  scale: 'scale',
  pauseAndScale: 'scale-pausing-autoscaler',
  restore: 'restore-autoscaler',
};

/** The group as Nomad has it now. */
export interface GroupState {
  count: number;
  nomadMin: number | null;
  nomadMax: number | null;
  jobModifyIndex: number;
  /** The job's deployment still rolling out (Nomad refuses to scale meanwhile), or null. */
  deployment: { id: string; status: string; version: number } | null;
  /** The group's autoscaler policy, when it has one. */
  autoscaler: { enabled: boolean; min: number | null; max: number } | null;
}

/** Everything the check looks at; `group` is null while Nomad has not been read yet. */
export interface ScaleFacts {
  target: ScaleTarget | undefined;
  largeChangeFactor: number;
  group: GroupState | null;
  lastSucceeded: { actor: string; atMs: number } | null;
  nowMs: number;
}

export interface ScaleRequest {
  job: string;
  group: string;
  count: number;
  role: Role;
  overrideCooldown?: boolean;
  expectedModifyIndex?: number;
  pauseAutoscalerMinutes?: number;
}

export interface ScaleVerdict {
  /** Why it cannot be done, or null. */
  blocked: { code: ErrorCode; message: string } | null;
  /** The allowed range: warroom's limits within the group's Nomad scaling bounds. */
  min: number;
  max: number;
  cooldownRemainingSec: number;
  /** More than the large-change factor (or to zero): the group's name must be typed to confirm. */
  largeChange: boolean;
}

export function isLargeChange(current: number, to: number, factor: number): boolean {
  return to === 0 || (current > 0 && to > current * factor) || (current > 0 && to < current / factor);
}

/**
 * The rules, in the order the execution meets them: a configured target, warroom's limits, the
 * cooldown (an admin may override it), then, once Nomad has been read, the group's Nomad bounds,
 * a job changed since the preview, and a count the group already has.
 */
export function checkScale(facts: ScaleFacts, req: ScaleRequest): ScaleVerdict {
  const { target, group } = facts;
  const name = `${req.job}/${req.group}`;
  const min = Math.max(target?.min ?? 0, group?.nomadMin ?? 0);
  const max = Math.min(target?.max ?? 0, group?.nomadMax ?? Number.MAX_SAFE_INTEGER);
  const sinceMs = facts.lastSucceeded ? facts.nowMs - facts.lastSucceeded.atMs : Number.POSITIVE_INFINITY;
  const cooldownRemainingSec = target ? Math.max(0, Math.ceil((target.cooldownSec * 1000 - sinceMs) / 1000)) : 0;
  const largeChange = group ? isLargeChange(group.count, req.count, facts.largeChangeFactor) : false;
  const verdict = (code: ErrorCode, message: string): ScaleVerdict => ({
    blocked: { code, message },
    min,
    max,
    cooldownRemainingSec,
    largeChange,
  });
  if (!target)
    return verdict('not_found', `${name} is not a scale target in the configuration (actions.scale.targets)`);
  if (req.count < target.min || req.count > target.max) {
    return verdict(
      'invalid',
      `count ${req.count} is outside warroom's limits for ${name}: ${target.min}-${target.max}`,
    );
  }
  if (req.overrideCooldown && req.role !== 'admin')
    return verdict('forbidden', 'only an admin may override the cooldown');
  if (cooldownRemainingSec > 0 && !req.overrideCooldown) {
    const by = facts.lastSucceeded!.actor;
    return verdict(
      'cooldown',
      `${name} was scaled by ${by} ${Math.round(sinceMs / 1000)} s ago; the cooldown is ${target.cooldownSec} s, ${cooldownRemainingSec} s left${req.role === 'admin' ? ' (you may override it)' : ''}`,
    );
  }
  if (!group) return { blocked: null, min, max, cooldownRemainingSec, largeChange };
  if (group.nomadMin !== null && req.count < group.nomadMin) {
    return verdict('invalid', `count ${req.count} is below the group's Nomad scaling minimum ${group.nomadMin}`);
  }
  if (group.nomadMax !== null && req.count > group.nomadMax) {
    return verdict('invalid', `count ${req.count} is above the group's Nomad scaling maximum ${group.nomadMax}`);
  }
  if (req.expectedModifyIndex !== undefined && req.expectedModifyIndex !== group.jobModifyIndex) {
    return verdict(
      'conflict',
      `the job changed since the preview (modify index ${req.expectedModifyIndex} -> ${group.jobModifyIndex}); preview again`,
    );
  }
  if (req.pauseAutoscalerMinutes !== undefined && !group.autoscaler?.enabled)
    return verdict('invalid', `${name} has no enabled autoscaler policy to pause`);
  if (group.deployment) {
    return verdict(
      'conflict',
      `a deployment of ${req.job} (version ${group.deployment.version}) is ${group.deployment.status}: Nomad does not scale a job while it rolls out; wait for it to finish, then preview again`,
    );
  }
  if (req.count === group.count) return verdict('invalid', `${name} already runs ${group.count}`);
  return { blocked: null, min, max, cooldownRemainingSec, largeChange };
}

function findTarget(config: WarroomConfig, job: string, group: string): ScaleTarget | undefined {
  return config.actions.scale.targets.find((t) => t.job === job && t.group === group);
}

const namespaceOf = (deps: ScaleDeps) => deps.config.sources.nomad?.namespace ?? 'default';

/** Nomad's ACL refusals, said as what they are: warroom's token, not the user, lacks the right. */
function aclProblem(deps: ScaleDeps, error: string, capability: string): string | null {
  if (/HTTP 403 .*ACL token not found/.test(error))
    return `Nomad does not know warroom's token (ACL token not found): check sources.nomad.token`;
  if (/HTTP 403 /.test(error))
    return `Nomad refused warroom's token (Permission denied): it needs the ${capability} capability in namespace "${namespaceOf(deps)}"`;
  return null;
}

async function readGroup(deps: ScaleDeps, job: string, group: string): Promise<ActionResult<GroupState>> {
  const [result, deployment] = await Promise.all([deps.nomad.job(job), deps.nomad.latestDeployment(job)]);
  if (!result.ok) {
    if (/HTTP 404/.test(result.error))
      return actionFail('not_found', `Nomad has no job "${job}" in namespace "${namespaceOf(deps)}"`);
    return actionFail('upstream', aclProblem(deps, result.error, 'read-job') ?? result.error);
  }
  const tg = result.value.TaskGroups.find((g) => g.Name === group);
  if (!tg) return actionFail('not_found', `Nomad job "${job}" has no group "${group}"`);
  // Only a deployment of this job (not of an earlier job of the same name) holds it. A failed read
  // leaves it to Nomad, which refuses the scale itself.
  const d = deployment.ok ? deployment.value : null;
  const active =
    d && activeDeploymentStatuses.has(d.Status) && d.JobCreateIndex === result.value.CreateIndex
      ? { id: d.ID, status: d.Status, version: d.JobVersion }
      : null;
  return actionOk({
    count: tg.Count,
    nomadMin: tg.Scaling?.Min ?? null,
    nomadMax: tg.Scaling?.Max ?? null,
    jobModifyIndex: result.value.JobModifyIndex,
    deployment: active,
    autoscaler: autoscalerOf(tg.Scaling),
  });
}

async function factsFor(
  deps: ScaleDeps,
  job: string,
  group: string,
  state: GroupState | null,
): Promise<ScaleFacts & { last: AuditRow | null }> {
  const last = await deps.audit.lastSucceeded(job, group, [scaleActions.scale, scaleActions.pauseAndScale]);
  return {
    last,
    target: findTarget(deps.config, job, group),
    largeChangeFactor: deps.config.actions.scale.largeChangeFactor,
    group: state,
    lastSucceeded: last ? { actor: last.actor, atMs: Date.parse(last.completedAt ?? last.createdAt) } : null,
    nowMs: deps.nowMs?.() ?? Date.now(),
  };
}

/** What scaling would do and whether it is allowed now, without doing it. */
export async function previewScale(
  deps: ScaleDeps,
  user: Pick<User, 'role'>,
  input: ScalePreviewInput,
): Promise<ActionResult<ScalePreview>> {
  const target = findTarget(deps.config, input.job, input.group);
  if (!target) {
    return actionFail(
      'not_found',
      `${input.job}/${input.group} is not a scale target in the configuration (actions.scale.targets)`,
    );
  }
  const read = await readGroup(deps, input.job, input.group);
  if (!read.ok) return read;
  const group = read.value;
  const facts = await factsFor(deps, input.job, input.group, group);
  const verdict = checkScale(facts, { ...input, role: user.role });
  const { last } = facts;
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
    current: group.count,
    to: input.count,
    running: null,
    bounds: {
      min: verdict.min,
      max: verdict.max,
      nomadMin: group.nomadMin,
      nomadMax: group.nomadMax,
      limitMin: target.min,
      limitMax: target.max,
    },
    jobModifyIndex: group.jobModifyIndex,
    cooldown: {
      seconds: target.cooldownSec,
      remainingSec: verdict.cooldownRemainingSec,
      lastBy: last?.actor ?? null,
      lastAt: last?.completedAt ?? null,
    },
    largeChange: verdict.largeChange,
    confirmPhrase: input.group,
    projection,
    autoscaler: group.autoscaler,
    blocked: verdict.blocked?.message ?? null,
  });
}

/**
 * After a scale request went unanswered: whether Nomad applied it, from the group's scaling
 * events (the request's audit id is in their Meta). Asked a few times, a second apart.
 */
async function readBack(
  deps: ScaleDeps,
  job: string,
  group: string,
  auditId: number,
  attempts = 3,
): Promise<
  | { applied: true; evalId: string; from: number }
  | { applied: false; count: number | null }
  | { applied: null; error: string }
> {
  let error = '';
  for (let i = 0; i < attempts; i++) {
    if (i > 0) await new Promise((resolve) => setTimeout(resolve, 1000));
    const status = await deps.nomad.scaleStatus(job);
    if (!status.ok) {
      error = status.error;
      continue;
    }
    const event = status.value.TaskGroups[group]?.Events?.find(
      (e) => String(e.Meta?.['warroom.audit_id'] ?? '') === String(auditId),
    );
    return event
      ? { applied: true, evalId: event.EvalID ?? '', from: event.PreviousCount }
      : { applied: false, count: status.value.TaskGroups[group]?.Desired ?? null };
  }
  return { applied: null, error };
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

/**
 * Scales behind the same check as the preview: the rules that need only the configuration and
 * the audit log refuse before anything is written; the rest refuse with an audit row that says
 * so. A double submit (same idempotency key) scales once.
 */
export async function executeScale(
  deps: ScaleDeps,
  user: User,
  input: ScaleInput,
): Promise<ActionResult<ScaleOutcome>> {
  if (!deps.serialise) return executeScaleNow(deps, user, input);
  try {
    return await deps.serialise(`warroom:scale:${input.job}/${input.group}`, () => executeScaleNow(deps, user, input));
  } catch (err) {
    if (err instanceof LockTimeout)
      return actionFail('conflict', `another scale of ${input.job}/${input.group} is in progress; try again`);
    throw err;
  }
}

async function executeScaleNow(deps: ScaleDeps, user: User, input: ScaleInput): Promise<ActionResult<ScaleOutcome>> {
  const request: ScaleRequest = { ...input, role: user.role };
  const early = checkScale(await factsFor(deps, input.job, input.group, null), request);
  if (early.blocked && early.blocked.code !== 'cooldown') return actionFail(early.blocked.code, early.blocked.message);
  const previous = await deps.audit.byIdempotencyKey(input.idempotencyKey);
  if (previous) return repeatOf(previous);
  if (early.blocked) return actionFail(early.blocked.code, early.blocked.message);
  // A scale of this group Nomad did not answer may still land: none other until it is settled.
  const nowMs = deps.nowMs?.() ?? Date.now();
  const checking = (await deps.audit.list({ job: input.job, group: input.group, outcome: 'pending', limit: 5 })).find(
    (r) => r.action === scaleActions.scale && nowMs - Date.parse(r.createdAt) < unansweredScaleSettleMs + 15_000,
  );
  if (checking)
    return actionFail(
      'conflict',
      `a scale of ${input.job}/${input.group} (audit #${checking.id}) went unanswered by Nomad and is still being checked; try again once it is settled (within a minute)`,
    );

  const row = await deps.audit.begin({
    actor: user.name,
    actorRole: user.role,
    action: input.pauseAutoscalerMinutes === undefined ? scaleActions.scale : scaleActions.pauseAndScale,
    job: input.job,
    group: input.group,
    to: input.count,
    reason: input.reason,
    cooldownOverride: Boolean(input.overrideCooldown),
    idempotencyKey: input.idempotencyKey,
  });
  if (!row) {
    const raced = await deps.audit.byIdempotencyKey(input.idempotencyKey);
    return raced ? repeatOf(raced) : actionFail('conflict', 'this request is already in progress');
  }
  const refuse = async (code: ErrorCode, message: string, from: number | null = null) => {
    await deps.audit.complete(row.id, { outcome: 'refused', from, error: message });
    return actionFail<ScaleOutcome>(code, message);
  };

  const read = await readGroup(deps, input.job, input.group);
  if (!read.ok) {
    if (read.error.code === 'not_found') return refuse('not_found', read.error.message);
    await deps.audit.complete(row.id, { outcome: 'failed', error: read.error.message });
    return read;
  }
  const current = read.value;
  // The same facts as the preview's, the cooldown included (this request's own row is pending).
  const verdict = checkScale(await factsFor(deps, input.job, input.group, current), request);
  if (verdict.blocked) return refuse(verdict.blocked.code, verdict.blocked.message, current.count);
  if (verdict.largeChange && input.confirm !== input.group) {
    return refuse(
      'invalid',
      `${current.count} -> ${input.count} is a large change: type the group name "${input.group}" to confirm`,
      current.count,
    );
  }

  const outcome = (evalId: string, extra: Pick<ScaleOutcome, 'checking'> = {}) =>
    actionOk<ScaleOutcome>({
      auditId: row.id,
      job: input.job,
      group: input.group,
      from: current.count,
      to: input.count,
      evalId,
      repeated: false,
      ...extra,
    });
  /** Nomad took it (answered, or read back): the audit row says so, with its evaluation. */
  const succeed = async (evalId: string) => {
    await deps.audit.complete(row.id, { outcome: 'succeeded', from: current.count, evalId });
    return outcome(evalId);
  };

  if (input.pauseAutoscalerMinutes !== undefined)
    return pauseAndScale(deps, user, input, row.id, current, input.pauseAutoscalerMinutes);

  const scaled = await deps.nomad.scale(input.job, {
    Count: input.count,
    Target: { Group: input.group },
    Message: `warroom: ${user.name}: ${input.reason}`,
    Meta: { 'warroom.user': user.name, 'warroom.reason': input.reason, 'warroom.audit_id': String(row.id) },
    // The job as the user saw it in the preview (or as just read): a job changed since is refused
    // by Nomad itself, never overwritten. Nomad ignores the index without EnforceIndex.
    EnforceIndex: true,
    JobModifyIndex: input.expectedModifyIndex ?? current.jobModifyIndex,
  });
  if (!scaled.ok && scaled.status === null && !/connection refused/.test(scaled.error)) {
    // No answer: the scale may or may not have been applied, and may still be. Nomad's own record
    // says which (each scaling event carries this request's audit id): read at once, and until it
    // settles the row stays pending, "unknown, checking", never "failed" on a guess.
    const found = await readBack(deps, input.job, input.group, row.id);
    if (found.applied) return succeed(found.evalId);
    void followUnanswered(deps, row.id);
    return outcome('', {
      checking: `Nomad did not answer in time (${scaled.error}); warroom is checking whether the scale was applied (audit #${row.id} says when it knows)`,
    });
  }
  if (!scaled.ok) {
    const refusal = nomadRefusal(deps, input.job, scaled, 'scale-job');
    if (refusal) return refuse(refusal.code, refusal.message, current.count);
    await deps.audit.complete(row.id, { outcome: 'failed', from: current.count, error: scaled.error });
    return actionFail('upstream', scaled.error);
  }
  return succeed(scaled.value.EvalID);
}

/** Nomad's refusal of a write, said as what it is; null for a failure that is not a refusal. */
function nomadRefusal(
  deps: ScaleDeps,
  job: string,
  result: { error: string; status: number | null },
  capability: string,
): { code: ErrorCode; message: string } | null {
  if (/conflicting job modify index/.test(result.error))
    return { code: 'conflict', message: 'the job changed since you looked; review it again' };
  if (/active deployment/.test(result.error))
    return {
      code: 'conflict',
      message: `Nomad does not scale ${job} while a deployment of it is rolling out; wait for it to finish, then preview again`,
    };
  const acl = aclProblem(deps, result.error, capability);
  if (acl) return { code: 'upstream', message: acl };
  if (result.status === 404)
    return { code: 'not_found', message: `Nomad has no job "${job}" in namespace "${namespaceOf(deps)}"` };
  if (result.status === 400) return { code: 'invalid', message: result.error };
  return null;
}

/** The job as Nomad has it, with one group's count and autoscaler policy changed. */
function withGroup(spec: NomadJob, group: string, change: { count?: number; autoscalerEnabled: boolean }): NomadJob {
  const next = structuredClone(spec);
  const tg = next.TaskGroups.find((g) => g.Name === group)!;
  if (change.count !== undefined) tg.Count = change.count;
  tg.Scaling = { ...tg.Scaling!, Enabled: change.autoscalerEnabled };
  return next;
}

/**
 * Scales a group whose autoscaler policy is enabled, holding the count: one registration of the
 * job (the index the user saw enforced) with the new count and the policy disabled, so there is
 * never a moment with one done and not the other. The pause is stored first, so that the leader
 * enables the policy again when it is over (restoreDuePauses) whatever happens to the request: a
 * store that cannot take it refuses before Nomad is touched, a refusal or failure from Nomad
 * withdraws it, and an unanswered registration keeps it (enabling a policy that never went off is
 * a no-op). A pause nobody would end is never left behind.
 */
async function pauseAndScale(
  deps: ScaleDeps,
  user: User,
  input: ScaleInput,
  auditId: number,
  current: GroupState,
  minutes: number,
): Promise<ActionResult<ScaleOutcome>> {
  const fail = async (code: ErrorCode, message: string, outcome: 'refused' | 'failed') => {
    await deps.audit.complete(auditId, { outcome, from: current.count, error: message });
    return actionFail<ScaleOutcome>(code, message);
  };
  if (!deps.pauses) return fail('not_configured', 'pausing an autoscaler needs the store', 'refused');
  const read = await deps.nomad.job(input.job);
  if (!read.ok) return fail('upstream', aclProblem(deps, read.error, 'read-job') ?? read.error, 'failed');
  const restoreAt = new Date((deps.nowMs?.() ?? Date.now()) + minutes * 60_000);
  let pause: { id: number };
  try {
    pause = await deps.pauses.record({ job: input.job, group: input.group, auditId, restoreAt });
  } catch (err) {
    return fail(
      'store_unavailable',
      `the pause could not be stored (${(err as Error).message}), so nothing was changed: the autoscaler policy stays enabled`,
      'refused',
    );
  }
  const index = input.expectedModifyIndex ?? current.jobModifyIndex;
  const registered = await deps.nomad.register(
    input.job,
    withGroup(read.value, input.group, { count: input.count, autoscalerEnabled: false }),
    index,
  );
  const succeeded = async (evalId: string | null) => {
    await deps.audit.complete(auditId, { outcome: 'succeeded', from: current.count, evalId });
    return actionOk<ScaleOutcome>({
      auditId,
      job: input.job,
      group: input.group,
      from: current.count,
      to: input.count,
      evalId: evalId ?? '',
      repeated: false,
      autoscalerPausedUntil: restoreAt.toISOString(),
    });
  };
  if (registered.ok) return succeeded(registered.value.EvalID);
  const unanswered = registered.status === null && !/connection refused/.test(registered.error);
  if (
    unanswered ||
    (registered.status !== null && registered.status >= 500 && !/conflicting job modify index/.test(registered.error))
  ) {
    // No answer, or a server error (Nomad answers a Raft apply that timed out with a 500, and it
    // may still commit): the registration may have landed, or may still. The pause stays, so the
    // policy is enabled again when it is due either way; the job as it is now says whether it landed.
    const after = await deps.nomad.job(input.job);
    const tg = after.ok ? after.value.TaskGroups.find((g) => g.Name === input.group) : undefined;
    if (after.ok && after.value.JobModifyIndex !== index && tg?.Count === input.count && tg.Scaling?.Enabled === false)
      return succeeded(null);
    return fail(
      'upstream',
      `${registered.error}; read back after it, the job does not show the change yet. The pause is kept: the policy will be enabled again at ${restoreAt.toISOString().slice(11, 16)} UTC should the change land later`,
      'failed',
    );
  }
  // Nomad answered no: nothing changed, and the pause is withdrawn (should that fail, the leader
  // enables a policy that is already on when it is due: a no-op).
  await deps.pauses
    .restored(pause.id)
    .catch((err: Error) =>
      console.error(`autoscaler pause #${pause.id}: could not be withdrawn (${err.message}); it ends by itself`),
    );
  const refusal = nomadRefusal(deps, input.job, registered, 'submit-job');
  if (refusal) return fail(refusal.code, refusal.message, 'refused');
  return fail('upstream', registered.error, 'failed');
}

/** Enables the group's autoscaler policy again, as the job is now (its index enforced). */
async function enablePolicy(
  deps: ScaleDeps,
  job: string,
  group: string,
  known?: NomadJob,
): Promise<{ ok: true; count: number; evalId: string | null } | { ok: false; error: string }> {
  const read = known ? { ok: true as const, value: known } : await deps.nomad.job(job);
  if (!read.ok) return { ok: false, error: read.error };
  const tg = read.value.TaskGroups.find((g) => g.Name === group);
  // Gone, or enabled by someone already: nothing to restore.
  if (!tg?.Scaling || tg.Scaling.Enabled !== false) return { ok: true, count: tg?.Count ?? 0, evalId: null };
  const registered = await deps.nomad.register(
    job,
    withGroup(read.value, group, { autoscalerEnabled: true }),
    read.value.JobModifyIndex,
  );
  return registered.ok
    ? { ok: true, count: tg.Count, evalId: registered.value.EvalID }
    : { ok: false, error: registered.error };
}

/**
 * The leader's upkeep: every pause whose time is up gets its policy enabled again, one group at a
 * time like any scale, each audited (as warroom) so the timeline shows it. A failure is recorded
 * and tried again on the next round.
 */
export async function restoreDuePauses(deps: ScaleDeps, now = new Date(deps.nowMs?.() ?? Date.now())): Promise<number> {
  if (!deps.pauses) return 0;
  let restored = 0;
  for (const pause of await deps.pauses.due(now)) {
    const restore = async () => {
      const read = await deps.nomad.job(pause.job);
      if (!read.ok) {
        await deps.pauses!.failedAttempt(pause.id, read.error);
        return;
      }
      const count = read.value.TaskGroups.find((g) => g.Name === pause.group)?.Count ?? 0;
      const row = await deps.audit.begin({
        actor: 'warroom',
        actorRole: 'system',
        action: scaleActions.restore,
        job: pause.job,
        group: pause.group,
        to: count,
        reason: `the autoscaler pause of audit #${pause.auditId} is over`,
        cooldownOverride: false,
        idempotencyKey: `restore-autoscaler-${pause.id}-${pause.attempts}`,
      });
      if (!row) return;
      const done = await enablePolicy(deps, pause.job, pause.group, read.value);
      if (done.ok) {
        await deps.audit.complete(row.id, { outcome: 'succeeded', from: done.count, evalId: done.evalId });
        await deps.pauses!.restored(pause.id);
        restored += 1;
      } else {
        await deps.audit.complete(row.id, { outcome: 'failed', error: done.error });
        await deps.pauses!.failedAttempt(pause.id, done.error);
      }
    };
    const key = `warroom:scale:${pause.job}/${pause.group}`;
    try {
      await (deps.serialise ? deps.serialise(key, restore) : restore());
    } catch (err) {
      // A scale of this group in progress (or the store away): the next round tries again.
      if (!(err instanceof LockTimeout)) throw err;
    }
  }
  return restored;
}

/** How long after an unanswered scale warroom still expects Nomad to apply it. */
export const unansweredScaleSettleMs = 60_000;
/** How long a scale nobody can read back stays pending before it is given up as unknown. */
export const unreadableScaleGiveUpMs = 10 * 60_000;

/**
 * Settles scales Nomad did not answer (audit rows still pending after their request ended): a
 * scaling event with the row's audit id means it was applied (succeeded, with its evaluation);
 * none `unansweredScaleSettleMs` after the request means it was not (failed, and a retry is safe:
 * it is sent with the job's index, so it cannot apply twice), unless the group is at the count it
 * asked for. While Nomad cannot be read the row stays pending, for `unreadableScaleGiveUpMs` at
 * most (then failed, as unknown). Each group under the same lock as its scales, so a request still in flight is
 * never settled from outside. Returns how many rows it settled.
 */
export async function settleUnansweredScales(
  deps: ScaleDeps,
  now = new Date(deps.nowMs?.() ?? Date.now()),
  only?: number,
): Promise<number> {
  let settled = 0;
  // Only plain scales leave a scaling event with their audit id to be found by.
  const pending = (await deps.audit.list({ outcome: 'pending', limit: 100 })).filter(
    (r) => (only === undefined || r.id === only) && r.action === scaleActions.scale,
  );
  for (const candidate of pending) {
    const settle = async () => {
      const row = await deps.audit.byIdempotencyKey(candidate.idempotencyKey);
      if (!row || row.outcome !== 'pending') return;
      const found = await readBack(deps, row.job, row.group, row.id, 1);
      if (found.applied) {
        await deps.audit.complete(row.id, { outcome: 'succeeded', from: found.from, evalId: found.evalId });
        settled += 1;
        return;
      }
      const waitedMs = now.getTime() - Date.parse(row.createdAt);
      const waited = `${Math.round(waitedMs / 1000)} s`;
      if (found.applied === false && waitedMs >= unansweredScaleSettleMs) {
        // No event of this request, but the group at the count it asked for: what it asked for
        // holds (Nomad writes the count and the event apart, and keeps only the last 20 events).
        if (found.count === row.to)
          await deps.audit.complete(row.id, {
            outcome: 'succeeded',
            error: `no answer from Nomad was recorded; ${waited} later the group is at ${row.to} as asked, though no scaling event of this request was found`,
          });
        else
          await deps.audit.complete(row.id, {
            outcome: 'failed',
            error: `no answer from Nomad was recorded, and ${waited} later the job shows no scale from this request: it was not applied (a retry is safe: it is sent with the job's index, so it cannot apply twice)`,
          });
        settled += 1;
      } else if (found.applied === null && waitedMs >= unreadableScaleGiveUpMs) {
        await deps.audit.complete(row.id, {
          outcome: 'failed',
          error: `unknown whether it was applied: Nomad did not answer, and could not be read for ${waited} after (${found.error}); check the group in Nomad`,
        });
        settled += 1;
      }
    };
    try {
      await (deps.serialise ? deps.serialise(`warroom:scale:${candidate.job}/${candidate.group}`, settle) : settle());
    } catch (err) {
      if (!(err instanceof LockTimeout)) throw err;
    }
  }
  return settled;
}

/** The process that sent an unanswered scale follows it until it settles (the leader's upkeep would too, later). */
async function followUnanswered(deps: ScaleDeps, auditId: number, everyMs = 2000): Promise<void> {
  const deadline = Date.now() + unansweredScaleSettleMs + 10_000;
  while (Date.now() < deadline) {
    // Unref'd: a process on its way out does not wait for this.
    await new Promise((resolve) => setTimeout(resolve, everyMs).unref());
    try {
      if ((await settleUnansweredScales(deps, undefined, auditId)) > 0) return;
      // Settled by someone else (the leader's upkeep, another replica).
      if (!(await deps.audit.list({ outcome: 'pending', limit: 100 })).some((r) => r.id === auditId)) return;
    } catch {
      // The store away for a moment: the next round, or the leader's upkeep, settles it.
    }
  }
}
