import type { ConfirmChannel, ConsumeMessage } from 'amqplib';
import { Counter, Histogram } from 'prom-client';
import { queueNames, type InferenceReply } from '../lib/amqp';
import { replyHandlingMeanMs, replyHandlingSigma } from '../lib/costs';
import { envNumber, requireEnv } from '../lib/env';
import { runConsumer } from '../lib/consumer-process';
import { log } from '../lib/log';
import { createRegistry, latencyBucketsSeconds, serveMetrics } from '../lib/metrics-server';
import { sampleLognormalMs, sleep } from '../lib/timing';

/**
 * An API-side reply consumer, the part nobody watched in the source incident: it takes one reply
 * at a time (prefetch 1), does the post-processing (a simulated database write) and hands the
 * result to the API process that holds the client's HTTP request.
 */
const allocId = requireEnv('NOMAD_ALLOC_ID');
const name = process.env.NOMAD_ALLOC_NAME ?? `reply-consumer-${allocId.slice(0, 8)}`;
const amqpUrl = requireEnv('AMQP_URL');
const apiUrl = requireEnv('API_URL');
const metricsPort = envNumber('NOMAD_PORT_metrics');

const registry = createRegistry({ stage: 'reply_handling', alloc: name });
const handlingSeconds = new Histogram({
  name: 'demo_reply_handling_duration_seconds',
  help: 'Time one reply took to post-process and hand back to the API',
  buckets: latencyBucketsSeconds,
  registers: [registry],
});
const queueWaitSeconds = new Histogram({
  name: 'demo_reply_queue_wait_seconds',
  help: 'Time a reply waited in the reply queue before a consumer took it',
  buckets: latencyBucketsSeconds,
  registers: [registry],
});
const handled = new Counter({
  name: 'demo_replies_handled_total',
  help: 'Replies handled, by outcome (delivered, orphaned: the API no longer held the request)',
  labelNames: ['outcome'],
  registers: [registry],
});

async function deliverToApi(reply: InferenceReply, correlationId: string): Promise<'delivered' | 'orphaned'> {
  const res = await fetch(`${apiUrl}/internal/replies`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ correlationId, reply }),
    signal: AbortSignal.timeout(5000),
  });
  if (res.status === 404) return 'orphaned';
  if (!res.ok) throw new Error(`API answered ${res.status}`);
  return 'delivered';
}

async function handle(ch: ConfirmChannel, msg: ConsumeMessage): Promise<void> {
  const reply = JSON.parse(msg.content.toString()) as InferenceReply;
  const startedMs = Date.now();
  queueWaitSeconds.observe(Math.max(0, startedMs - reply.repliedAtMs) / 1000);
  await sleep(sampleLognormalMs(replyHandlingMeanMs, replyHandlingSigma));
  try {
    const outcome = await deliverToApi(reply, msg.properties.correlationId ?? reply.requestId);
    handled.inc({ outcome });
    handlingSeconds.observe((Date.now() - startedMs) / 1000);
    ch.ack(msg);
  } catch (err) {
    // The API is unreachable: give the reply back to the queue rather than drop it.
    log(name, `could not hand reply to API: ${(err as Error).message}; requeueing`);
    await sleep(500);
    ch.nack(msg, false, true);
  }
}

const metricsServer = serveMetrics(registry, metricsPort);
log(name, `reply consumer up, metrics on :${metricsPort}`);
await runConsumer({ name, amqpUrl, queue: queueNames.replies, handle, metricsServer });
