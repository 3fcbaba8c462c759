import http from 'node:http';
import { randomUUID } from 'node:crypto';
import type { Channel } from 'amqplib';
import { Counter, Gauge, Histogram } from 'prom-client';
import {
  assertTopology,
  connectBroker,
  encode,
  queueNames,
  type InferenceReply,
  type InferenceRequest,
  type RequestType,
} from '../lib/amqp';
import { envNumber, onceStopSignal, requireEnv } from '../lib/env';
import { log } from '../lib/log';
import { createRegistry, latencyBucketsSeconds, metricsHandler } from '../lib/metrics-server';
import { PendingRequests } from './pending-requests';

/**
 * The API: one HTTP endpoint per request type. Each request is published to the ML request queue
 * with a correlation id, replyTo and the AMQP timestamp, and the HTTP request is held until the
 * reply consumers hand its result back (POST /internal/replies).
 */
const name = process.env.NOMAD_ALLOC_NAME ?? 'api';
const amqpUrl = requireEnv('AMQP_URL');
const port = envNumber('NOMAD_PORT_http');
const requestTimeoutMs = envNumber('API_REQUEST_TIMEOUT_MS', 120_000);

const routes: Record<string, RequestType> = { '/v1/face-match': 'face-match', '/v1/ocr': 'ocr' };

const registry = createRegistry({ stage: 'api', alloc: name });
const requestSeconds = new Histogram({
  name: 'demo_api_request_duration_seconds',
  help: 'Client-facing request duration at the API, by request type and status code',
  labelNames: ['request_type', 'status'],
  buckets: latencyBucketsSeconds,
  registers: [registry],
});
const published = new Counter({
  name: 'demo_api_requests_published_total',
  help: 'Requests published to the ML request queue',
  labelNames: ['request_type'],
  registers: [registry],
});
const answered = new Counter({
  name: 'demo_api_requests_answered_total',
  help: 'Requests answered to the client with their result',
  labelNames: ['request_type'],
  registers: [registry],
});
const orphaned = new Counter({
  name: 'demo_api_replies_orphaned_total',
  help: 'Replies that arrived after their request had timed out',
  registers: [registry],
});
const pending = new PendingRequests();
new Gauge({
  name: 'demo_api_pending_requests',
  help: 'HTTP requests held while waiting for their reply',
  registers: [registry],
  collect() {
    this.set(pending.size);
  },
});

let channel: Channel | null = null;
const connection = await connectBroker(amqpUrl, name, async (model) => {
  const ch = await model.createChannel();
  await assertTopology(ch);
  ch.on('close', () => {
    if (channel === ch) channel = null;
  });
  channel = ch;
});

function sendJson(res: http.ServerResponse, status: number, body: unknown): void {
  res.statusCode = status;
  res.setHeader('content-type', 'application/json');
  res.end(JSON.stringify(body));
}

async function readBody(req: http.IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString();
}

async function handleInference(type: RequestType, res: http.ServerResponse): Promise<void> {
  const startedMs = Date.now();
  const done = (status: number, body: unknown) => {
    requestSeconds.observe({ request_type: type, status: String(status) }, (Date.now() - startedMs) / 1000);
    sendJson(res, status, body);
  };
  const ch = channel;
  if (!ch) return done(503, { error: 'message broker unavailable, retry shortly' });
  const requestId = randomUUID();
  const message: InferenceRequest = { requestId, type, submittedAtMs: startedMs };
  const replyPromise = pending.wait(requestId, requestTimeoutMs);
  try {
    ch.sendToQueue(queueNames.requests, encode(message), {
      correlationId: requestId,
      replyTo: queueNames.replies,
      messageId: requestId,
      contentType: 'application/json',
      persistent: true,
      timestamp: Math.floor(startedMs / 1000),
      type,
    });
  } catch (err) {
    pending.cancel(requestId);
    return done(503, { error: `could not publish: ${(err as Error).message}` });
  }
  published.inc({ request_type: type });
  try {
    const reply = await replyPromise;
    answered.inc({ request_type: type });
    done(200, {
      requestId,
      type,
      score: reply.score,
      worker: reply.worker,
      inferenceMs: Math.round(reply.inferenceMs),
    });
  } catch (err) {
    done(504, { requestId, error: (err as Error).message });
  }
}

async function handleReply(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
  let body: { correlationId?: string; reply?: InferenceReply };
  try {
    body = JSON.parse(await readBody(req));
  } catch {
    return sendJson(res, 400, { error: 'body is not JSON' });
  }
  if (!body.correlationId || !body.reply) return sendJson(res, 400, { error: 'correlationId and reply are required' });
  if (!pending.complete(body.correlationId, body.reply)) {
    orphaned.inc();
    log(name, `orphaned reply for ${body.correlationId} from ${body.reply.worker}`);
    return sendJson(res, 404, { error: `no request waits for ${body.correlationId}` });
  }
  sendJson(res, 200, { ok: true });
}

const serveMetrics = metricsHandler(registry);
const server = http.createServer((req, res) => {
  const path = (req.url ?? '/').split('?')[0] ?? '/';
  const type = routes[path];
  if (type && req.method === 'POST') return void handleInference(type, res);
  if (path === '/internal/replies' && req.method === 'POST') return void handleReply(req, res);
  if (path === '/metrics') return void serveMetrics(res);
  if (path === '/healthz')
    return sendJson(res, channel ? 200 : 503, { broker: channel ? 'connected' : 'disconnected' });
  sendJson(res, 404, { error: `no route ${req.method} ${path}`, routes: Object.keys(routes) });
});
server.keepAliveTimeout = 65_000;
server.listen(port, '127.0.0.1', () => log(name, `API listening on :${port}`));

const signal = await onceStopSignal();
log(name, `${signal}: stopping`);
server.close();
await connection.close().catch(() => undefined);
process.exit(0);
