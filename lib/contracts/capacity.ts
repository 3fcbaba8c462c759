import { z } from 'zod';

/**
 * GET /api/capacity?rps=: how many workers each worker stage needs for `rps` requests per second
 * entering the pipeline, from the live snapshot (lib/analysis/capacity.ts says how).
 */

/** Far above any pipeline this dashboard watches; a bound keeps the arithmetic finite. */
export const maxCapacityRps = 100_000;

/**
 * The query string (?rps=); it arrives as text, hence the coercion. Not strict, as other queries.
 * zod's number refuses NaN and the infinities, so a missing or unreadable `rps` gets the first message.
 */
export const CapacityQuery = z.object({
  rps: z.coerce
    .number({ error: 'query parameter "rps" must be a number of requests per second' })
    .refine((v) => v > 0, 'query parameter "rps" must be more than 0')
    .refine((v) => v <= maxCapacityRps, `query parameter "rps" must be at most ${maxCapacityRps}`),
});
export type CapacityQuery = z.infer<typeof CapacityQuery>;

/**
 * Where a stage's per-worker throughput comes from: `measured` (the consumed queue's delivery
 * rate over the workers), `latency` (1000 / p50 ms, before the broker has rates or while there is
 * no traffic), `unknown` (neither: no figure is invented).
 */
export const CapacityBasis = z.enum(['measured', 'latency', 'unknown']);
export type CapacityBasis = z.infer<typeof CapacityBasis>;

export const CapacityStage = z.object({
  stageId: z.string(),
  label: z.string(),
  /** Messages one worker handles per second; null when `basis` is unknown. */
  perWorkerPerSec: z.number().nullable(),
  basis: CapacityBasis,
  /**
   * Whether the consumed queue said its consumers were saturated when the rate was measured. A
   * rate measured while they were not is what arrived, not what they can do (a floor), so
   * `neededWorkers` is then generous. Null when not measured or the queue gave no verdict.
   */
  saturated: z.boolean().nullable(),
  /** Messages this stage sees per request entering the pipeline (fan-out > 1, filtering < 1). */
  loadRatio: z.number(),
  /** No rates to measure the ratio from: 1 is assumed. */
  loadRatioAssumed: z.boolean(),
  /** Messages per second this stage would see at the asked rate. */
  loadPerSec: z.number(),
  /** Workers now: Nomad's running count, else the queue's consumers; null when neither is known. */
  currentWorkers: z.number().nullable(),
  /** Workers for the asked rate at the target utilisation; null when `basis` is unknown. */
  neededWorkers: z.number().nullable(),
  /** neededWorkers - currentWorkers; null when either is unknown. */
  delta: z.number().nullable(),
  /** How the per-worker figure was found, or why there is none, in one line. */
  explanation: z.string(),
});
export type CapacityStage = z.infer<typeof CapacityStage>;

export const CapacityPlan = z.object({
  pipeline: z.string(),
  /** When the snapshot the plan is computed from was made. */
  generatedAt: z.string(),
  requestsPerSec: z.number(),
  /** Requests per second entering the pipeline now: the first queue stage's publish rate. */
  entranceRatePerSec: z.number().nullable(),
  entranceStageId: z.string().nullable(),
  /** The share of each worker's capacity the plan fills, 0..1. */
  targetUtilisation: z.number(),
  stages: z.array(CapacityStage),
});
export type CapacityPlan = z.infer<typeof CapacityPlan>;
