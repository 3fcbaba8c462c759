import type { TimelineEvent } from '../contracts/timeline';
import type { Db } from './db';

/**
 * The trends' reads: stored snapshots aggregated per time bucket in SQL (a day of snapshots, one
 * every few seconds, never travels to Node: one row per bucket does), and the moments worth a
 * marker. The bucket of a snapshot is floor((at - from) / bucketMs), the last one also holding
 * `to`, computed in double precision as lib/history/trends-shape.ts's bucketOf does.
 */
export interface BucketWindow {
  from: Date;
  to: Date;
  bucketMs: number;
  count: number;
}

const num = (v: number | string | null | undefined): number | null =>
  v === null || v === undefined ? null : Number(v);

/** $1 pipeline, $2 from, $3 to, $4 bucketMs, $5 count: the pipeline's snapshots in the range with their bucket. */
const bucketed = `
  SELECT at, e2e_ms, body, (extract(epoch FROM at) * 1000)::double precision AS at_ms,
         LEAST($5::int - 1, floor(((extract(epoch FROM at) * 1000)::double precision
                                   - (extract(epoch FROM $2::timestamptz) * 1000)::double precision)
                                  / $4::double precision)::int) AS bucket
    FROM snapshots
   WHERE pipeline = $1 AND at >= $2::timestamptz AND at <= $3::timestamptz`;

export function trendsStore(db: Db) {
  const windowParams = (pipeline: string, w: BucketWindow) => [
    pipeline,
    w.from.toISOString(),
    w.to.toISOString(),
    w.bucketMs,
    w.count,
  ];

  return {
    /**
     * Per bucket: its last snapshot's time, how many it holds, the worst end-to-end latency, and
     * for the queue stage `queueStageId` the most ready messages, the mean publish and deliver
     * rates and the last consumer count (null without that stage).
     */
    async buckets(pipeline: string, w: BucketWindow, queueStageId: string | null) {
      const rows = await db.query<{
        bucket: number | string;
        at_ms: number | string;
        n: number | string;
        e2e_ms: number | string | null;
        ready: number | string | null;
        publish: number | string | null;
        deliver: number | string | null;
        consumers: number | string | null;
      }>(
        `WITH s AS (${bucketed})
         SELECT s.bucket, max(s.at_ms) AS at_ms, count(*) AS n, max(s.e2e_ms) AS e2e_ms,
                max(q.ready) AS ready, avg(q.publish) AS publish, avg(q.deliver) AS deliver,
                (array_agg(q.consumers ORDER BY s.at DESC) FILTER (WHERE q.consumers IS NOT NULL))[1] AS consumers
           FROM s
           LEFT JOIN LATERAL (
             SELECT (st->'queue'->>'ready')::double precision AS ready,
                    (st->'queue'->>'publishRate')::double precision AS publish,
                    (st->'queue'->>'deliverRate')::double precision AS deliver,
                    (st->'queue'->>'consumers')::double precision AS consumers
               FROM jsonb_array_elements(s.body->'stages') st
              WHERE st->>'id' = $6 AND jsonb_typeof(st->'queue') = 'object'
              LIMIT 1) q ON true
          GROUP BY s.bucket
          ORDER BY s.bucket`,
        [...windowParams(pipeline, w), queueStageId ?? ''],
      );
      return rows.map((r) => ({
        bucket: Number(r.bucket),
        atMs: Number(r.at_ms),
        snapshots: Number(r.n),
        e2eMs: num(r.e2e_ms),
        ready: num(r.ready),
        publishPerSec: num(r.publish),
        deliverPerSec: num(r.deliver),
        consumers: num(r.consumers),
      }));
    },

    /** Per bucket and worker stage of `stageIds`: the running and desired counts of the bucket's last snapshot. */
    async workerBuckets(pipeline: string, w: BucketWindow, stageIds: string[]) {
      if (stageIds.length === 0) return [];
      const rows = await db.query<{
        bucket: number | string;
        stage_id: string;
        running: number | string | null;
        desired: number | string | null;
      }>(
        `WITH s AS (${bucketed})
         SELECT s.bucket, st->>'id' AS stage_id,
                (array_agg((st->'workers'->>'running')::double precision ORDER BY s.at DESC))[1] AS running,
                (array_agg((st->'workers'->>'desired')::double precision ORDER BY s.at DESC))[1] AS desired
           FROM s CROSS JOIN LATERAL jsonb_array_elements(s.body->'stages') st
          WHERE st->>'id' = ANY($6::text[]) AND jsonb_typeof(st->'workers') = 'object'
          GROUP BY s.bucket, st->>'id'
          ORDER BY s.bucket`,
        [...windowParams(pipeline, w), stageIds],
      );
      return rows.map((r) => ({
        bucket: Number(r.bucket),
        stageId: r.stage_id,
        running: num(r.running),
        desired: num(r.desired),
      }));
    },

    /** The newest `limit` derived events of `kinds` in the range, oldest first. */
    async eventsOfKinds(
      pipeline: string,
      from: Date,
      to: Date,
      kinds: readonly TimelineEvent['kind'][],
      limit: number,
    ): Promise<TimelineEvent[]> {
      const rows = await db.query<{
        at: Date | string;
        kind: TimelineEvent['kind'];
        stage_id: string | null;
        message: string;
      }>(
        `SELECT at, kind, stage_id, message FROM timeline_events
          WHERE pipeline = $1 AND at >= $2 AND at <= $3 AND kind = ANY($4::text[])
          ORDER BY at DESC, id DESC LIMIT $5`,
        [pipeline, from.toISOString(), to.toISOString(), [...kinds], limit],
      );
      return rows.reverse().map((r) => ({
        at: new Date(r.at).toISOString(),
        kind: r.kind,
        stageId: r.stage_id,
        message: r.message,
      }));
    },

    /** The newest `limit` incident openings, suggestions and status changes of the pipeline in the range, oldest first. */
    async incidentMoments(pipeline: string, from: Date, to: Date, limit: number) {
      const rows = await db.query<{
        at: Date | string;
        id: number | string;
        title: string;
        kind: string;
        to_value: string | null;
        author: string;
      }>(
        `SELECT l.at, i.id, i.title, l.kind, l.to_value, l.author
           FROM incident_log l JOIN incidents i ON i.id = l.incident_id
          WHERE i.pipeline = $1 AND l.at >= $2 AND l.at <= $3 AND l.kind IN ('opened', 'suggested', 'status')
          ORDER BY l.at DESC, l.id DESC LIMIT $4`,
        [pipeline, from.toISOString(), to.toISOString(), limit],
      );
      return rows.reverse().map((r) => ({
        at: new Date(r.at).toISOString(),
        incidentId: Number(r.id),
        title: r.title,
        kind: r.kind,
        status: r.to_value,
        author: r.author,
      }));
    },
  };
}

export type TrendsStore = ReturnType<typeof trendsStore>;
