import type { GpuMemoryObservation, Observations, StageSpec } from './types';

/**
 * Observations of the demo pipeline in the shapes the poller produces, for the analysis' tests.
 * Each scenario is described by the numbers a real run shows (see demo/loadgen/scenarios.ts).
 */
export const demoStages: StageSpec[] = [
  { id: 'api', kind: 'service', label: 'API', hasLatency: false, hasGpu: false },
  {
    id: 'request-queue',
    kind: 'queue',
    label: 'ML request queue',
    queue: { name: 'ml.requests', vhost: '/', depthThreshold: 50 },
    hasLatency: false,
    hasGpu: false,
  },
  {
    id: 'ml-workers',
    kind: 'workers',
    label: 'ML workers',
    consumesFrom: 'request-queue',
    nomad: { job: 'ml-inference', group: 'worker' },
    hasLatency: true,
    hasGpu: true,
  },
  {
    id: 'reply-queue',
    kind: 'queue',
    label: 'Reply queue',
    queue: { name: 'api.replies', vhost: '/', depthThreshold: 50 },
    hasLatency: false,
    hasGpu: false,
  },
  {
    id: 'reply-consumers',
    kind: 'workers',
    label: 'Reply consumers',
    consumesFrom: 'reply-queue',
    nomad: { job: 'api', group: 'reply-consumer' },
    hasLatency: true,
    hasGpu: false,
  },
  { id: 'postgres', kind: 'store', label: 'PostgreSQL', hasLatency: false, hasGpu: false },
];

const nowMs = Date.parse('2026-11-22T09:42:00Z');

/**
 * What the demo's ML workers export (demo/ml-worker/main.ts): one simulated 24 GB card each
 * (23,028 MiB, as an A10G reports), holding a 5 GiB model plus up to 600 MiB while busy.
 */
export function demoGpuMemory(workers: number, busyShare: number): GpuMemoryObservation {
  const cardMiB = 23_028;
  return {
    usedMiB: workers * (5_120 + Math.round(busyShare * 600)),
    totalMiB: workers * cardMiB,
    gpus: workers,
    smallestGpuMiB: cardMiB,
  };
}

export interface QueueNumbers {
  ready: number;
  consumers: number;
  publish: number | null;
  deliver: number | null;
  growthPerSec: number;
  headAgeMs?: number | null;
}

export function queue(n: QueueNumbers) {
  // Ten AMQP samples a second apart, ending at `ready`, growing at growthPerSec.
  const history = Array.from({ length: 10 }, (_, i) => ({
    atMs: nowMs - (9 - i) * 1000,
    ready: Math.max(0, Math.round(n.ready - (9 - i) * n.growthPerSec)),
  }));
  return {
    check: { ready: n.ready, consumers: n.consumers, atMs: nowMs },
    stats: {
      ready: n.ready,
      unacked: Math.min(n.consumers, 5),
      consumers: n.consumers,
      publishRatePerSec: n.publish,
      deliverRatePerSec: n.deliver,
      headAgeMs: n.headAgeMs ?? null,
    },
    history,
  };
}

export function demoObservations(input: {
  e2eP90Ms: number | null;
  requestQueue: QueueNumbers;
  replyQueue: QueueNumbers;
  inferenceP50Ms?: number;
  inferenceP90Ms?: number;
  replyP50Ms?: number;
  replyP90Ms?: number;
  gpuPct?: number | null;
  /** The ML workers' GPU memory; absent: not measured. */
  gpuMemory?: GpuMemoryObservation | null;
  mlWorkers?: number;
  replyConsumers?: number;
}): Observations {
  const ok = { status: 'ok' as const, lastOkAt: new Date(nowMs).toISOString() };
  return {
    nowMs,
    pipeline: 'demo-kyc',
    stages: demoStages,
    sources: { rabbitmq: ok, prometheus: ok, nomad: ok },
    queues: { 'request-queue': queue(input.requestQueue), 'reply-queue': queue(input.replyQueue) },
    latencies: {
      'ml-workers': {
        p50Ms: input.inferenceP50Ms ?? 280,
        p90Ms: input.inferenceP90Ms ?? 1200,
        p99Ms: 1500,
        atQuantileMs: input.inferenceP90Ms ?? 1200,
      },
      'reply-consumers': {
        p50Ms: input.replyP50Ms ?? 250,
        p90Ms: input.replyP90Ms ?? 310,
        p99Ms: 380,
        atQuantileMs: input.replyP90Ms ?? 310,
      },
    },
    gpuUtilPct: { 'ml-workers': input.gpuPct ?? null },
    gpuMemory: { 'ml-workers': input.gpuMemory ?? null },
    workers: {
      'ml-workers': {
        job: 'ml-inference',
        group: 'worker',
        desired: input.mlWorkers ?? 10,
        running: input.mlWorkers ?? 10,
        scalingMin: 1,
        scalingMax: 40,
      },
      'reply-consumers': {
        job: 'api',
        group: 'reply-consumer',
        desired: input.replyConsumers ?? 3,
        running: input.replyConsumers ?? 3,
        scalingMin: 1,
        scalingMax: 64,
      },
    },
    endToEnd: { pMs: input.e2eP90Ms, quantile: 0.9, sloMs: 3000 },
    unmonitored: [],
  };
}

export const scenarioObservations = {
  steady: demoObservations({
    e2eP90Ms: 1450,
    requestQueue: { ready: 1, consumers: 10, publish: 4, deliver: 4, growthPerSec: 0 },
    replyQueue: { ready: 0, consumers: 3, publish: 4, deliver: 4, growthPerSec: 0 },
    gpuPct: 4,
  }),
  replyStarvation: demoObservations({
    e2eP90Ms: 9000,
    requestQueue: { ready: 0, consumers: 10, publish: 16, deliver: 16, growthPerSec: 0 },
    replyQueue: { ready: 420, consumers: 3, publish: 16, deliver: 12, growthPerSec: 4 },
    gpuPct: 15,
  }),
  replyStarvationEarly: demoObservations({
    e2eP90Ms: 1500,
    requestQueue: { ready: 0, consumers: 10, publish: 4, deliver: 4, growthPerSec: 0 },
    // The broker's rates still show the steady traffic: only the AMQP counts see the growth.
    replyQueue: { ready: 55, consumers: 3, publish: 4, deliver: 4, growthPerSec: 4 },
    gpuPct: 5,
  }),
  mlSaturation: demoObservations({
    e2eP90Ms: 12000,
    requestQueue: { ready: 150, consumers: 10, publish: 10, deliver: 8.3, growthPerSec: 1.7 },
    replyQueue: { ready: 0, consumers: 3, publish: 8.3, deliver: 8.3, growthPerSec: 0 },
    inferenceP50Ms: 1200,
    inferenceP90Ms: 1450,
    gpuPct: 22,
    gpuMemory: demoGpuMemory(10, 1),
  }),
  gpuUnderused: demoObservations({
    e2eP90Ms: 1800,
    requestQueue: { ready: 2, consumers: 10, publish: 7, deliver: 7, growthPerSec: 0 },
    replyQueue: { ready: 0, consumers: 3, publish: 7, deliver: 7, growthPerSec: 0 },
    inferenceP50Ms: 1100,
    inferenceP90Ms: 1400,
    gpuPct: 16,
    gpuMemory: demoGpuMemory(10, 0.77),
  }),
};
