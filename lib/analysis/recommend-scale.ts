import type { QueueDerived } from './build-stages';
import { targetUtilisation, workersFor } from './sizing';
import { estimateTrendPerSec2 } from './estimate-growth';
import type { LatencyObservation, WorkersObservation } from './types';
import type { Recommendation } from '../contracts/snapshot';
import { formatRate } from '../format/numbers';
import { gpuUnderusedBelowPct } from './find-insights';
import { gpuRoomForNewWorkers, type GpuContext } from './gpu-room';
import { roundTo } from './round';

/**
 * Step 6: how many consumers make a fix that holds. The count is sized for where traffic is
 * going, not where it was: the arrival rate projected `horizonSec` ahead along its trend over the
 * last minutes (never more than `maxTrendFactor` times today's, and never below it), at
 * `targetUtilisation`, plus what it takes to clear the backlog within `targetDrainSec`, including
 * what piles up while the new consumers start (their start-up time learned from past scale
 * events, otherwise assumed). Capacity per consumer is measured (drain rate over consumers) or,
 * before the broker has rates, taken from the stage's median service time. What limits the fix
 * further along (a downstream group that cannot take the new rate, GPUs with room to pack more
 * workers, or none) is said in `notes`.
 */
export { targetUtilisation };
export const targetDrainSec = 60;
/** The fix should hold this long without a second action. */
export const horizonSec = 600;
export const maxTrendFactor = 2;
/** Start-up time assumed until a scale up of the group has been seen. */
export const assumedStartupSec = 20;
/** Trend window: the arrival samples of the last minutes. */
export const trendWindowMs = 5 * 60_000;

/** The stage after the scaled group that receives what it produces, and what it can drain. */
export interface Downstream {
  label: string;
  /** What its consumers can drain at most, per second; null when not known. */
  capacityPerSec: number | null;
  /** Its consumer group, when Nomad runs it. */
  workers?: { job: string; group: string; desired: number } | null;
  /** Messages per second per consumer there, for sizing it too. */
  perConsumerPerSec: number | null;
  /** Its consumer group's GPUs, when it has any: more workers there need room on them. */
  gpu?: GpuContext | null;
  /** What it drains now, per second, to project its GPUs' utilisation at the new rate. */
  ratePerSec?: number | null;
  /** Where request types join: what the other branches send it now, per second. */
  otherInflowPerSec?: number | null;
}

export interface RecommendInput {
  queue: QueueDerived;
  workers: WorkersObservation | undefined;
  latency: LatencyObservation | undefined;
  /** The queue's publish rate over the last minutes, oldest first. */
  arrivals?: Array<{ atMs: number; perSec: number }>;
  nowMs: number;
  gpuUtilPct?: number | null;
  /** The scaled group's own GPUs (utilisation, memory, room), when it has any. */
  gpu?: GpuContext | null;
  downstream?: Downstream | null;
}

export function recommendScale(input: RecommendInput): Recommendation | undefined {
  const { queue: q, workers, latency } = input;
  if (!workers) return undefined;
  const current = workers.desired;
  let perConsumerPerSec: number | null = null;
  if (q.drainPerSec !== null && q.drainPerSec > 0 && q.consumers > 0) perConsumerPerSec = q.drainPerSec / q.consumers;
  else if (latency?.p50Ms) perConsumerPerSec = 1000 / latency.p50Ms;
  if (perConsumerPerSec === null || perConsumerPerSec <= 0 || !Number.isFinite(perConsumerPerSec)) return undefined;
  const arrival = q.arrivalPerSec ?? (q.drainPerSec ?? 0) + Math.max(0, q.growthPerSec ?? 0);

  const recent = (input.arrivals ?? []).filter((a) => a.atMs >= input.nowMs - trendWindowMs);
  const slope = estimateTrendPerSec2(recent);
  const rising = slope !== null && slope > 0 ? slope : 0;
  const projectedPerSec = Math.min(
    Math.max(arrival, arrival + rising * horizonSec),
    Math.max(arrival * maxTrendFactor, arrival),
  );

  const learned = workers.startupSec !== undefined && workers.startupSec !== null;
  const startupSec = learned ? workers.startupSec! : assumedStartupSec;
  // While the new consumers start, the current ones keep falling behind at the rising rate.
  const capacityNow = perConsumerPerSec * current;
  const shortfallPerSec = Math.max(0, arrival + (rising * startupSec) / 2 - capacityNow);
  const backlog = q.ready + shortfallPerSec * startupSec;

  const neededPerSec = projectedPerSec + backlog / targetDrainSec;
  let to = workersFor(neededPerSec, perConsumerPerSec);
  // A rate per consumer too small to size by (a broker rounding to almost nothing) sizes nothing.
  if (to === null) {
    if (workers.scalingMax === null) return undefined;
    to = workers.scalingMax;
  }
  to = Math.max(to, current + 1);
  if (workers.scalingMax !== null) to = Math.min(to, workers.scalingMax);
  if (to <= current) return undefined;

  const rec: Recommendation = { job: workers.job, group: workers.group, from: current, to };
  const spareAfterPerSec = to * perConsumerPerSec - arrival;
  const drainSeconds = Math.round(startupSec + backlog / spareAfterPerSec);
  if (spareAfterPerSec > 0 && Number.isFinite(drainSeconds)) rec.drainSeconds = drainSeconds;
  rec.basis = {
    arrivalPerSec: round1(arrival),
    projectedPerSec: round1(projectedPerSec),
    trendPerSecPerMin: slope === null ? null : round1(slope * 60),
    horizonSec,
    startupSec: Math.round(startupSec),
    startupLearned: learned,
    perConsumerPerSec: round1(perConsumerPerSec),
    targetUtilisation,
  };
  const notes = limitsOf(input, to, perConsumerPerSec, projectedPerSec);
  if (workers.scalingMax !== null && to === workers.scalingMax && to * perConsumerPerSec < projectedPerSec)
    notes.unshift(
      `Nomad's scaling max (${workers.scalingMax}) caps the group below what ${formatRate(projectedPerSec)} needs.`,
    );
  if (notes.length > 0) rec.notes = notes;
  return rec;
}

/** GPUs above this are taken to have no utilisation room for another worker. */
export const gpuFullPct = 85;

/** What else limits the fix: the stage downstream and the GPUs of the group itself. */
function limitsOf(input: RecommendInput, to: number, perConsumerPerSec: number, projectedPerSec: number): string[] {
  const notes: string[] = [];
  const d = input.downstream;
  const ownOutPerSec = Math.min(projectedPerSec, to * perConsumerPerSec);
  // At a join, the other request types' traffic arrives there too.
  const others = d?.otherInflowPerSec ?? 0;
  const outPerSec = ownOutPerSec + others;
  if (d && d.capacityPerSec !== null && outPerSec > d.capacityPerSec) {
    let line = `${d.label} would then receive about ${formatRate(outPerSec)}${others > 0 ? ` (${formatRate(others)} of it from other request types)` : ''} but drains at most ${formatRate(d.capacityPerSec)}`;
    if (d.workers && d.perConsumerPerSec) {
      const needed = Math.ceil(outPerSec / d.perConsumerPerSec / targetUtilisation);
      line += `: scale ${d.workers.group} too, from ${d.workers.desired} to about ${needed}`;
      const room = d.gpu ? gpuRoomForNewWorkers(d.gpu, needed - d.workers.desired) : null;
      if (room) line += `; for ${d.gpu!.label}, ${room}`;
    }
    notes.push(`${line}.`);
  } else if (d?.gpu && d.ratePerSec && d.ratePerSec > 0 && outPerSec > d.ratePerSec) {
    // Within its capacity the downstream GPU group takes the new rate, but its GPUs run hotter.
    const projectedPct = Math.round(Math.min(100, (d.gpu.utilPct * outPerSec) / d.ratePerSec));
    if (projectedPct > gpuFullPct)
      notes.push(
        `${d.gpu.label}: their GPUs would run at about ${projectedPct}% at ${formatRate(outPerSec)} (now ${Math.round(d.gpu.utilPct)}%), past their room.`,
      );
  }
  const gpu = input.gpu?.utilPct ?? input.gpuUtilPct;
  const added = to - (input.workers?.desired ?? to);
  if (gpu !== undefined && gpu !== null) {
    if (gpu < gpuUnderusedBelowPct) {
      const room = input.gpu ? gpuRoomForNewWorkers(input.gpu, added) : null;
      if (room === null || room === 'GPU memory not measured')
        notes.push(
          `GPUs are at ${Math.round(gpu)}%: packing more workers per GPU adds this capacity without more GPUs, if memory allows (GPU memory not measured).`,
        );
      else notes.push(`GPUs are at ${Math.round(gpu)}%: ${room}.`);
    } else if (gpu > gpuFullPct)
      notes.push(`GPUs are at ${Math.round(gpu)}%: each new worker needs GPU room of its own.`);
  }
  return notes;
}

const round1 = (n: number) => roundTo(n, 1);
