import { guarded } from '@/lib/actions/guard';
import { actionFail } from '@/lib/actions/result';
import { getDb } from '@/lib/store';
import { NoteInput } from '@/lib/incidents/inputs';
import { addNote } from '@/lib/incidents/service';
import { incidentIdFrom } from '../../incident-id';

export const dynamic = 'force-dynamic';

/** A note typed by a person, on the incident's timeline: operators and admins. */
export const POST = guarded(
  { action: 'adding a note', role: 'operator', input: NoteInput },
  async (ctx, input, request) => {
    const { id } = incidentIdFrom(request);
    if (id === null) return actionFail('not_found', 'not an incident id');
    return addNote(await getDb(), ctx, id, input);
  },
);
