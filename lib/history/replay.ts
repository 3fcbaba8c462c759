import 'server-only';
import type { Snapshot } from '../analysis/types';
import { getDb } from '../store';
import { history } from '../store/history';
import { parseAt } from './parse-at';

/**
 * The topology as it was at a moment, from the stored snapshots: 400 for a malformed or future
 * time, 404 before the oldest retained snapshot, 503 when the store is unavailable.
 */
export type Replay =
  | { ok: true; snapshot: Snapshot & { replay: { at: string; storedAt: string } } }
  | { ok: false; status: number; code: string; message: string };

export async function replayAt(pipeline: string, raw: string | null): Promise<Replay> {
  const parsed = parseAt(raw);
  if (!parsed.ok) return { ok: false, status: 400, code: 'invalid', message: parsed.message };
  let store;
  try {
    store = history(await getDb());
  } catch (err) {
    return {
      ok: false,
      status: 503,
      code: 'store_unavailable',
      message: `history unavailable: ${(err as Error).message}`,
    };
  }
  const found = await store.snapshotAt(pipeline, parsed.at);
  if (!found) {
    const range = await store.range(pipeline);
    return {
      ok: false,
      status: 404,
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
}
