import type { User } from '../../auth/authenticate';
import { actionFail, actionOk, type ActionResult } from '../../contracts/result';
import type { Incident, OpenIncidentInput } from '../../contracts/incident';
import { parseAt } from '../../contracts/time';
import { authorOf, type IncidentDeps } from '../deps';

/**
 * Opens an incident by hand. It may start earlier than now (for example when the bottleneck
 * appeared), but not before the retained history; the opener is put in charge.
 */
export function checkOpenIncident(
  deps: Pick<IncidentDeps, 'retentionHours'>,
  input: OpenIncidentInput,
  nowMs: number,
): ActionResult<{ startedAt: string }> {
  if (!input.startedAt) return actionOk({ startedAt: new Date(nowMs).toISOString() });
  const parsed = parseAt(input.startedAt, nowMs);
  if (!parsed.ok) return actionFail('invalid', `startedAt: ${parsed.message}`);
  const oldest = nowMs - deps.retentionHours * 3_600_000;
  if (parsed.at.getTime() < oldest) {
    return actionFail(
      'invalid',
      `startedAt: ${parsed.at.toISOString()} is older than the retained history (${deps.retentionHours} h)`,
    );
  }
  return actionOk({ startedAt: parsed.at.toISOString() });
}

export async function openIncident(
  deps: IncidentDeps,
  user: User,
  input: OpenIncidentInput,
  nowMs = Date.now(),
): Promise<ActionResult<Incident>> {
  const checked = checkOpenIncident(deps, input, nowMs);
  if (!checked.ok) return checked;
  const incident = await deps.incidents.create({
    pipeline: deps.pipeline,
    title: input.title,
    severity: input.severity,
    status: 'investigating',
    startedAt: checked.value.startedAt,
    owner: user.name,
    author: authorOf(user),
    body: input.note,
  });
  deps.announce({ topic: 'incident', incidentId: incident.id });
  return actionOk(incident);
}
