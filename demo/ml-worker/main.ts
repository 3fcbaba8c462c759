import type { ConfirmChannel, ConsumeMessage } from 'amqplib';
import { Counter, Gauge, Histogram } from 'prom-client';
import { encode, queueNames, type InferenceReply, type InferenceRequest } from '../lib/amqp';
import { inferenceMeanMs, inferenceSigma } from '../lib/costs';
import { envNumber, requireEnv } from '../lib/env';
import { runConsumer } from '../lib/consumer-process';
import { log } from '../lib/log';
import { createRegistry, latencyBucketsSeconds, serveMetrics } from '../lib/metrics-server';
import { sampleLognormalMs, sleep } from '../lib/timing';
import { BusyTracker, simulatedGpuUtilPct } from './busy-tracker';

/**
 * An ML worker: prefetch 1, one simulated inference at a time (a timer, so it costs no CPU),
 * the result published to the message's replyTo queue. Exposes simulated GPU metrics under
 * dcgm-exporter's names, labelled simulated="true".
 */
const allocId = requireEnv('NOMAD_ALLOC_ID');
const name = process.env.NOMAD_ALLOC_NAME ?? `ml-worker-${allocId.slice(0, 8)}`;
const amqpUrl = requireEnv('AMQP_URL');
const metricsPort = envNumber('NOMAD_PORT_metrics');

const registry = createRegistry({ stage: 'inference', alloc: name });
const inferenceSeconds = new Histogram({
  name: 'demo_inference_duration_seconds',
  help: 'Time one ML inference took (simulated), by request type',
  labelNames: ['request_type'],
  buckets: latencyBucketsSeconds,
  registers: [registry],
});
const queueWaitSeconds = new Histogram({
  name: 'demo_ml_queue_wait_seconds',
  help: 'Time a request waited in the ML request queue before a worker took it',
  buckets: latencyBucketsSeconds,
  registers: [registry],
});
const processed = new Counter({
  name: 'demo_ml_requests_total',
  help: 'Inference requests processed',
  labelNames: ['request_type'],
  registers: [registry],
});

const busy = new BusyTracker(10_000);
const gpuLabels = {
  gpu: '0',
  UUID: `GPU-sim-${allocId}`,
  device: 'nvidia0',
  modelName: 'Simulated NVIDIA A10G',
  Hostname: name,
  simulated: 'true',
};
const gpuLabelNames = Object.keys(gpuLabels);
/** An A10G's 24 GB as the driver reports it, and a 5 GiB model (weights, CUDA context) per worker. */
const fbTotalMiB = 23_028;
const modelFootprintMiB = 5_120;
/** Activations while an inference runs, in proportion to the share of time the worker is busy. */
const activationsMiB = 600;
new Gauge({
  name: 'DCGM_FI_DEV_GPU_UTIL',
  help: 'GPU utilization (in %), simulated from the worker busy fraction',
  labelNames: gpuLabelNames,
  registers: [registry],
  collect() {
    this.set(gpuLabels, simulatedGpuUtilPct(busy.busyFraction(Date.now())));
  },
});
new Gauge({
  name: 'DCGM_FI_DEV_FB_USED',
  help: 'Framebuffer memory used (in MiB), simulated',
  labelNames: gpuLabelNames,
  registers: [registry],
  collect() {
    this.set(gpuLabels, modelFootprintMiB + Math.round(busy.busyFraction(Date.now()) * activationsMiB));
  },
});
new Gauge({
  name: 'DCGM_FI_DEV_FB_FREE',
  help: 'Framebuffer memory free (in MiB), simulated',
  labelNames: gpuLabelNames,
  registers: [registry],
  collect() {
    this.set(gpuLabels, fbTotalMiB - modelFootprintMiB - Math.round(busy.busyFraction(Date.now()) * activationsMiB));
  },
});
new Gauge({
  name: 'DCGM_FI_DEV_POWER_USAGE',
  help: 'Power draw (in W), simulated',
  labelNames: gpuLabelNames,
  registers: [registry],
  collect() {
    this.set(gpuLabels, 60 + simulatedGpuUtilPct(busy.busyFraction(Date.now())) * 1.5);
  },
});

async function handle(ch: ConfirmChannel, msg: ConsumeMessage): Promise<void> {
  const request = JSON.parse(msg.content.toString()) as InferenceRequest;
  const startedMs = Date.now();
  busy.start(startedMs);
  queueWaitSeconds.observe(Math.max(0, startedMs - request.submittedAtMs) / 1000);
  const inferenceMs = sampleLognormalMs(inferenceMeanMs[request.type], inferenceSigma);
  await sleep(inferenceMs);
  busy.stop(Date.now());
  inferenceSeconds.observe({ request_type: request.type }, inferenceMs / 1000);
  processed.inc({ request_type: request.type });
  const reply: InferenceReply = {
    requestId: request.requestId,
    type: request.type,
    submittedAtMs: request.submittedAtMs,
    inferenceMs,
    repliedAtMs: Date.now(),
    worker: name,
    score: Math.round(Math.random() * 1000) / 1000,
  };
  const replyTo = msg.properties.replyTo ?? queueNames.replies;
  ch.sendToQueue(replyTo, encode(reply), {
    correlationId: msg.properties.correlationId,
    contentType: 'application/json',
    persistent: true,
    // AMQP timestamps are whole seconds; the broker reports the oldest one as head_message_timestamp.
    timestamp: Math.floor(Date.now() / 1000),
    type: request.type,
  });
  // At least once: the request is acked only after the broker has confirmed the reply.
  await ch.waitForConfirms();
  ch.ack(msg);
}

const metricsServer = serveMetrics(registry, metricsPort);
log(name, `ML worker up, metrics on :${metricsPort}`);
await runConsumer({ name, amqpUrl, queue: queueNames.requests, handle, metricsServer });
