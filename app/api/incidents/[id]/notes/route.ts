import { IncidentIdParams, NoteCreated, NoteInput } from '@/lib/contracts/incident';
import { addNote } from '@/lib/incidents/commands/add-note';
import { route } from '@/lib/root/gate';

export const dynamic = 'force-dynamic';

/** A note typed by a person, on the incident's timeline: operators and admins. */
export const POST = route(
  { name: 'adding a note', access: 'operator', params: IncidentIdParams, body: NoteInput, response: NoteCreated },
  async ({ app, user, params, body }) => addNote(await app.incidentDeps(), user!, params.id, body),
);
