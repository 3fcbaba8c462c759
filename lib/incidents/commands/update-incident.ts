import type { User } from '../../auth/authenticate';
import { actionFail, actionOk, type ActionResult } from '../../contracts/result';
import { allowedMoves, canMove, type Incident, type UpdateIncidentInput } from '../../contracts/incident';
import { authorOf, type IncidentDeps } from '../deps';

export type IncidentField = 'status' | 'severity' | 'title' | 'owner';
/** One change to apply: the field, its new value and the reason kept on the timeline. */
export type IncidentStep = [field: IncidentField, to: string, body: string];

/**
 * What an update would change, or why it cannot: the owner must be a configured user and a status
 * may only move along the allowed transitions. Taking a suggestion (or reopening) with nobody in
 * charge puts the taker in charge. Pure: the execution below applies exactly these steps.
 */
export function checkUpdateIncident(
  incident: Incident,
  input: UpdateIncidentInput,
  user: Pick<User, 'name'>,
  users: string[],
): ActionResult<IncidentStep[]> {
  if (input.owner !== undefined && !users.includes(input.owner)) {
    return actionFail('invalid', `owner: "${input.owner}" is not a configured user`);
  }
  if (input.status !== undefined && input.status !== incident.status && !canMove(incident.status, input.status)) {
    const moves = allowedMoves(incident.status);
    return actionFail(
      'conflict',
      `incident #${incident.id} is ${incident.status}: it can move to ${moves.join(' or ')}, not ${input.status}`,
    );
  }
  const steps: IncidentStep[] = [];
  if (input.status !== undefined && input.status !== incident.status) {
    steps.push(['status', input.status, input.reason ?? '']);
  }
  const owner = input.owner ?? (input.status === 'investigating' && incident.owner === null ? user.name : undefined);
  if (owner !== undefined && owner !== incident.owner) steps.push(['owner', owner, '']);
  if (input.severity !== undefined && input.severity !== incident.severity) {
    steps.push(['severity', input.severity, input.reason ?? '']);
  }
  if (input.title !== undefined && input.title !== incident.title) steps.push(['title', input.title, '']);
  return actionOk(steps);
}

/**
 * Applies the checked steps one field at a time, each against the value the incident has now (a
 * change made by someone else in between is a 409, not an overwrite).
 */
export async function updateIncident(
  deps: IncidentDeps,
  user: User,
  id: number,
  input: UpdateIncidentInput,
): Promise<ActionResult<Incident>> {
  let incident = await deps.incidents.get(deps.pipeline, id);
  if (!incident) return actionFail('not_found', `no incident #${id}`);
  const checked = checkUpdateIncident(incident, input, user, deps.users);
  if (!checked.ok) return checked;
  const applied: string[] = [];
  try {
    for (const [field, to, body] of checked.value) {
      const changed = await deps.incidents.change(id, field, incident[field], to, authorOf(user), body);
      if (!changed) {
        const done = applied.length > 0 ? ` (${applied.join(' and ')} changed before that)` : '';
        return actionFail(
          'conflict',
          `incident #${id} changed while you were editing it: its ${field} is no longer ${incident[field] ?? 'empty'}${done}; reload and try again`,
        );
      }
      incident = changed;
      applied.push(field);
    }
    return actionOk(incident);
  } finally {
    // Whatever was applied, even before a conflict, reaches the other open pages.
    if (applied.length > 0) deps.announce({ topic: 'incident', incidentId: id });
  }
}
