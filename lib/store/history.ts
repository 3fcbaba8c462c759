import type { Snapshot } from '../contracts/snapshot';
import { timelinePageSize, type TimelineCursor, type TimelineEvent } from '../contracts/timeline';
import { fromJsonb, type Db, type Queryable } from './db';
import type { Fence } from './lease';

/** Where the ranks of bottlenecks with a backlog begin: above every bottleneck without one. */
export const backlogRankBase = 1e15;

/**
 * How bad a snapshot's bottleneck was, for "the bottleneck at its worst": for a bottleneck with a
 * queue, `backlogRankBase` plus the ready count of that queue (the backlog, read without lag); for
 * a stage without a queue, its time at the end-to-end quantile; null without a bottleneck. The two
 * are in different units, so a backlog always outranks a stage without one: requests piling up
 * are worse than a stage that is slow but keeps up, and a slow stage named for a moment while the
 * client p90 still holds a drained backlog (1.3 s at the ML workers, against 120 ready at the
 * reply queue) must not become the incident's worst moment. (Queue wait estimates were tried
 * first: right after a fix, the stale head age of the draining backlog made them peak on the
 * recovery.)
 */
export function bottleneckRank(snapshot: Snapshot): number | null {
  const b = snapshot.bottleneck;
  if (!b) return null;
  if (b.queueStageId)
    return backlogRankBase + (snapshot.stages.find((st) => st.id === b.queueStageId)?.queue?.ready ?? 0);
  return snapshot.stages.find((st) => st.id === b.stageId)?.contributionMs ?? 0;
}

/** A time in microseconds since 1970 as ISO 8601 text PostgreSQL reads exactly ("…T09:42:00.123456Z"). */
function isoOfMicros(atUs: number): string {
  const us = atUs % 1000;
  return new Date((atUs - us) / 1000).toISOString().replace('Z', `${String(us).padStart(3, '0')}Z`);
}

/** A write refused because another process has led since this one took its term. */
export class NotLeading extends Error {
  constructor(fence: Fence, current: number | null) {
    super(`no longer the leader of ${fence.name} (term ${fence.term}, now ${current ?? 'none'}); not written`);
  }
}

/** The statements that store snapshots and events, on the database or inside a transaction. */
function writers(db: Queryable) {
  return {
    async saveSnapshot(pipeline: string, snapshot: Snapshot, fingerprint: string): Promise<number> {
      return this.saveSnapshots(pipeline, [{ snapshot, fingerprint }]);
    },

    /** Several snapshots in one statement; returns the JSON bytes written. */
    async saveSnapshots(pipeline: string, items: Array<{ snapshot: Snapshot; fingerprint: string }>): Promise<number> {
      let bytes = 0;
      for (let i = 0; i < items.length; i += 200) {
        const params: unknown[] = [];
        const rows = items.slice(i, i + 200).map(({ snapshot, fingerprint }) => {
          const body = JSON.stringify(snapshot);
          bytes += Buffer.byteLength(body);
          params.push(
            snapshot.generatedAt,
            pipeline,
            fingerprint,
            body,
            snapshot.endToEnd.pMs,
            bottleneckRank(snapshot),
          );
          const n = params.length;
          return `($${n - 5}, $${n - 4}, $${n - 3}, $${n - 2}::jsonb, $${n - 1}, $${n})`;
        });
        await db.query(
          `INSERT INTO snapshots (at, pipeline, fingerprint, body, e2e_ms, bottleneck_rank) VALUES ${rows.join(', ')}`,
          params,
        );
      }
      return bytes;
    },

    /**
     * The events, 500 to a statement: a call with at most 500 (as the recorder makes) is stored
     * whole or not at all.
     */
    async saveEvents(pipeline: string, events: TimelineEvent[]): Promise<void> {
      for (let i = 0; i < events.length; i += 500) {
        const chunk = events.slice(i, i + 500);
        const params: unknown[] = [];
        const rows = chunk.map((e) => {
          params.push(e.at, pipeline, e.kind, e.stageId, e.message);
          const n = params.length;
          return `($${n - 4}, $${n - 3}, $${n - 2}, $${n - 1}, $${n})`;
        });
        await db.query(
          `INSERT INTO timeline_events (at, pipeline, kind, stage_id, message) VALUES ${rows.join(', ')}`,
          params,
        );
      }
    },
  };
}

/** When each PGlite store was last vacuumed by a prune. */
const vacuumedAt = new WeakMap<Db, number>();
const vacuumEveryMs = 5 * 60_000;

/** Stored snapshots (deduplicated by the recorder) and timeline events, by pipeline and time. */
export function history(db: Db) {
  return {
    ...writers(db),

    /**
     * What the recorder holds, in one transaction: the events and the snapshots that carry their
     * state are stored together or not at all, so whoever resumes from the last snapshot (this
     * process after a restart, the next leader) never says an event again. Under a fence, the
     * transaction first checks that the leader's term is still the current one (waiting for a
     * successor taking its term, which waits for this write in turn) and refuses with NotLeading
     * otherwise. Returns the snapshots' JSON bytes.
     */
    async saveBatch(
      pipeline: string,
      batch: { events: TimelineEvent[]; snapshots: Array<{ snapshot: Snapshot; fingerprint: string }> },
      fence: Fence | null = null,
    ): Promise<number> {
      return db.transaction(async (tx) => {
        if (fence) {
          const [current] = await tx.query<{ term: string }>(
            'SELECT term FROM leader_terms WHERE name = $1 FOR SHARE',
            [fence.name],
          );
          if (Number(current?.term) !== fence.term) throw new NotLeading(fence, current ? Number(current.term) : null);
        }
        const w = writers(tx);
        await w.saveEvents(pipeline, batch.events);
        return w.saveSnapshots(pipeline, batch.snapshots);
      });
    },

    /**
     * The last alert event said for each fingerprint (its kind), from the `(fingerprint X)` that
     * ends the messages of alert events.
     */
    async lastAlertKinds(pipeline: string, fingerprints: string[]): Promise<Map<string, string>> {
      const found = new Map<string, string>();
      if (fingerprints.length === 0) return found;
      const rows = await db.query<{ kind: string; message: string }>(
        `SELECT kind, message FROM timeline_events
          WHERE pipeline = $1 AND kind IN ('alert-firing', 'alert-resolved') AND message LIKE ANY($2::text[])
          ORDER BY at DESC, id DESC`,
        [pipeline, fingerprints.map((f) => `%(fingerprint ${f})`)],
      );
      for (const row of rows) {
        const fp = /\(fingerprint ([0-9A-Za-z]+)\)$/.exec(row.message)?.[1];
        if (fp && !found.has(fp)) found.set(fp, row.kind);
      }
      return found;
    },

    /** The snapshot that was current at `at`: the latest stored at or before it. */
    async snapshotAt(pipeline: string, at: Date): Promise<{ snapshot: Snapshot; storedAt: string } | null> {
      const rows = await db.query<{ at: Date | string; body: Snapshot | string }>(
        'SELECT at, body FROM snapshots WHERE pipeline = $1 AND at <= $2 ORDER BY at DESC LIMIT 1',
        [pipeline, at.toISOString()],
      );
      const row = rows[0];
      if (!row) return null;
      return {
        snapshot: fromJsonb(row.body),
        storedAt: new Date(row.at).toISOString(),
      };
    },

    async range(pipeline: string): Promise<{ oldest: string | null; newest: string | null; count: number }> {
      const rows = await db.query<{ oldest: Date | null; newest: Date | null; count: string | number }>(
        'SELECT min(at) AS oldest, max(at) AS newest, count(*) AS count FROM snapshots WHERE pipeline = $1',
        [pipeline],
      );
      const r = rows[0]!;
      return {
        oldest: r.oldest ? new Date(r.oldest).toISOString() : null,
        newest: r.newest ? new Date(r.newest).toISOString() : null,
        count: Number(r.count),
      };
    },

    async events(pipeline: string, from: Date, to: Date, limit = 500): Promise<TimelineEvent[]> {
      const rows = await db.query<{
        at: Date | string;
        kind: TimelineEvent['kind'];
        stage_id: string | null;
        message: string;
      }>(
        'SELECT at, kind, stage_id, message FROM timeline_events WHERE pipeline = $1 AND at >= $2 AND at <= $3 ORDER BY at ASC, id ASC LIMIT $4',
        [pipeline, from.toISOString(), to.toISOString(), limit],
      );
      return rows.map((r) => ({
        at: new Date(r.at).toISOString(),
        kind: r.kind,
        stageId: r.stage_id,
        message: r.message,
      }));
    },

    /**
     * A page of the events between `from` and `to`, newest first: at most `limit` (1 to 500),
     * strictly before `before` in (time, id) order when it is given, and the cursor of the page
     * after this one (null when none is left). The order is total, ties in time broken by id, so
     * paging sees every event once while new ones are stored.
     */
    async eventsPage(
      pipeline: string,
      page: { from: Date; to: Date; before?: TimelineCursor | null; limit?: number },
    ): Promise<{ events: TimelineEvent[]; next: TimelineCursor | null }> {
      const asked = page.limit !== undefined && Number.isFinite(page.limit) ? page.limit : timelinePageSize.default;
      const limit = Math.min(timelinePageSize.max, Math.max(1, Math.floor(asked)));
      const params: unknown[] = [pipeline, page.from.toISOString(), page.to.toISOString()];
      let before = '';
      if (page.before) {
        params.push(isoOfMicros(page.before.atUs), page.before.id);
        // `at <= $4` alone bounds the scan of the (pipeline, at) index; the row comparison breaks ties.
        before = 'AND at <= $4::timestamptz AND (at, id) < ($4::timestamptz, $5::bigint)';
      }
      params.push(limit + 1);
      const rows = await db.query<{
        id: string | number;
        at: Date | string;
        at_us: string | number;
        kind: TimelineEvent['kind'];
        stage_id: string | null;
        message: string;
      }>(
        // extract(epoch) is numeric since PostgreSQL 14: exact to the microsecond.
        `SELECT id, at, (extract(epoch FROM at) * 1000000)::bigint AS at_us, kind, stage_id, message
         FROM timeline_events
         WHERE pipeline = $1 AND at >= $2 AND at <= $3 ${before}
         ORDER BY at DESC, id DESC
         LIMIT $${params.length}`,
        params,
      );
      const kept = rows.slice(0, limit);
      const last = kept.at(-1);
      return {
        events: kept.map((r) => ({
          at: new Date(r.at).toISOString(),
          kind: r.kind,
          stageId: r.stage_id,
          message: r.message,
        })),
        next: rows.length > limit && last ? { atUs: Number(last.at_us), id: Number(last.id) } : null,
      };
    },

    /**
     * Drops what is older than `before`. On PGlite, which runs no autovacuum, the tables are then
     * vacuumed and analysed here (at most once in 5 minutes per store, whichever pipeline prunes):
     * without it the rows pruned never free their space (the store
     * only grows), and the planner keeps the row counts of the day the store was created, which
     * turned an incident's worst-moment and peak lookups from index walks into reading every
     * snapshot of its window. PostgreSQL's autovacuum does this there.
     */
    async prune(pipeline: string, before: Date): Promise<void> {
      await db.query('DELETE FROM snapshots WHERE pipeline = $1 AND at < $2', [pipeline, before.toISOString()]);
      await db.query('DELETE FROM timeline_events WHERE pipeline = $1 AND at < $2', [pipeline, before.toISOString()]);
      // Once per store every few minutes, however many pipelines share it.
      if (db.kind !== 'pglite' || Date.now() - (vacuumedAt.get(db) ?? -Infinity) < vacuumEveryMs) return;
      vacuumedAt.set(db, Date.now());
      await db.query('VACUUM ANALYZE snapshots, timeline_events');
    },
  };
}

export type History = ReturnType<typeof history>;
