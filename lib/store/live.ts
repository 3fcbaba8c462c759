import type { Snapshot } from '../contracts/snapshot';
import { fromJsonb, type Db } from './db';

/** The channel every replica listens on (lib/store/lease.ts) and the leader announces on. */
export const replicaChannel = 'warroom_replicas';

/**
 * What replicas share besides the history: the leader's latest snapshot (one row per pipeline,
 * overwritten each cycle and announced with NOTIFY in the same statement), and what a new leader
 * needs to carry on where the last one stopped without repeating its timeline events.
 */
export function liveStore(db: Db) {
  return {
    /** Stores the snapshot and tells every listening replica, in one round trip. */
    async publish(pipeline: string, snapshot: Snapshot, seq: number, from: string): Promise<void> {
      const note = JSON.stringify({ type: 'snapshot', pipeline, at: snapshot.generatedAt, seq, from });
      await db.query(
        `WITH up AS (
           INSERT INTO live_snapshots (pipeline, at, seq, body) VALUES ($1, $2, $3, $4::jsonb)
           ON CONFLICT (pipeline) DO UPDATE SET at = EXCLUDED.at, seq = EXCLUDED.seq, body = EXCLUDED.body
           RETURNING 1)
         SELECT pg_notify($5, $6) FROM up`,
        [pipeline, snapshot.generatedAt, seq, JSON.stringify(snapshot), replicaChannel, note],
      );
    },

    /** The leader's latest snapshot if it is newer than `afterAt` (ISO 8601), else null. */
    async latest(pipeline: string, afterAt: string | null): Promise<Snapshot | null> {
      const rows = await db.query<{ body: Snapshot | string }>(
        `SELECT body FROM live_snapshots WHERE pipeline = $1 AND ($2::timestamptz IS NULL OR at > $2::timestamptz)`,
        [pipeline, afterAt],
      );
      const body = rows[0]?.body;
      return body === undefined ? null : fromJsonb(body);
    },

    /**
     * Where the recorder left off: the last stored snapshot and the queues whose latest threshold
     * event says "above", so that a restarted or new leader does not announce again what the
     * timeline already says.
     */
    async resumePoint(pipeline: string): Promise<{ previous: Snapshot | null; aboveThreshold: string[] }> {
      const [last] = await db.query<{ body: Snapshot | string }>(
        'SELECT body FROM snapshots WHERE pipeline = $1 ORDER BY at DESC, id DESC LIMIT 1',
        [pipeline],
      );
      const above = await db.query<{ stage_id: string; kind: string }>(
        `SELECT DISTINCT ON (stage_id) stage_id, kind FROM timeline_events
          WHERE pipeline = $1 AND kind IN ('queue-above-threshold', 'queue-below-threshold') AND stage_id IS NOT NULL
          ORDER BY stage_id, at DESC, id DESC`,
        [pipeline],
      );
      const body = last?.body;
      return {
        previous: body === undefined ? null : fromJsonb(body),
        aboveThreshold: above.filter((r) => r.kind === 'queue-above-threshold').map((r) => r.stage_id),
      };
    },
  };
}
export type LiveStore = ReturnType<typeof liveStore>;
