import type { Snapshot } from '../contracts/snapshot';
import { parseAt } from '../contracts/time';
import type { History } from '../store/history';

/**
 * The topology as it was at a moment, from the stored snapshots: 400 for a malformed or future
 * time, 404 before the oldest retained snapshot, 503 when the store is unavailable.
 */
export type Replay =
  | { ok: true; snapshot: Snapshot & { replay: { at: string; storedAt: string } } }
  | { ok: false; code: 'invalid' | 'not_found' | 'store_unavailable'; message: string };

export async function replayAt(
  openHistory: () => Promise<History>,
  pipeline: string,
  raw: string | null,
): Promise<Replay> {
  const parsed = parseAt(raw);
  if (!parsed.ok) return { ok: false, code: 'invalid', message: parsed.message };
  try {
    const store = await openHistory();
    const found = await store.snapshotAt(pipeline, parsed.at);
    if (!found) {
      const range = await store.range(pipeline);
      return {
        ok: false,
        code: 'not_found',
        message: range.oldest
          ? `no history before ${range.oldest} (retained: ${range.oldest} to ${range.newest})`
          : 'no history has been recorded yet',
      };
    }
    return {
      ok: true,
      snapshot: { ...found.snapshot, replay: { at: parsed.at.toISOString(), storedAt: found.storedAt } },
    };
  } catch (err) {
    // A store that fails while answering is as unavailable as one that does not open.
    return { ok: false, code: 'store_unavailable', message: `history unavailable: ${(err as Error).message}` };
  }
}
