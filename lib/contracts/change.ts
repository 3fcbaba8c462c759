import { z } from 'zod';

/**
 * The `change` events of /api/stream: something other open pages should refetch at once (an
 * incident opened, changed or noted; new timeline events stored). Discriminated on `topic` so a
 * page can switch on it.
 */
export const Change = z.discriminatedUnion('topic', [
  z.object({ topic: z.literal('incident'), incidentId: z.number() }),
  /** `at`: when the events were stored (ISO 8601). */
  z.object({ topic: z.literal('timeline'), at: z.string() }),
]);
export type Change = z.infer<typeof Change>;
