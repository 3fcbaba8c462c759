import type { User } from '../../auth/authenticate';
import { actionFail, actionOk, type ActionResult } from '../../contracts/result';
import type { NoteCreated, NoteInput } from '../../contracts/incident';
import { authorOf, type IncidentDeps } from '../deps';

/** A note typed by a person, on the incident's timeline. */
export async function addNote(
  deps: IncidentDeps,
  user: User,
  id: number,
  input: NoteInput,
): Promise<ActionResult<NoteCreated>> {
  if (!(await deps.incidents.get(deps.pipeline, id))) return actionFail('not_found', `no incident #${id}`);
  const entry = await deps.incidents.note(id, authorOf(user), input.body);
  if (!entry) return actionFail('not_found', `no incident #${id}`);
  deps.announce({ topic: 'incident', incidentId: id });
  return actionOk({ id: entry.id, at: entry.at });
}
