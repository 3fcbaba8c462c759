import amqp, { type Channel, type ChannelModel } from 'amqplib';
import { log } from './log';

/** The broker topology of the demo pipeline: one request queue to the ML workers, one reply queue back. */
export const queueNames = { requests: 'ml.requests', replies: 'api.replies' } as const;

export type RequestType = 'face-match' | 'ocr';

/** Body of a request message, API -> ML workers. */
export interface InferenceRequest {
  requestId: string;
  type: RequestType;
  submittedAtMs: number;
}

/** Body of a reply message, ML workers -> reply consumers. */
export interface InferenceReply {
  requestId: string;
  type: RequestType;
  submittedAtMs: number;
  inferenceMs: number;
  repliedAtMs: number;
  worker: string;
  score: number;
}

/** Both queues are durable and messages persistent, so a broker restart loses nothing in flight. */
export async function assertTopology(channel: Channel): Promise<void> {
  await channel.assertQueue(queueNames.requests, { durable: true });
  await channel.assertQueue(queueNames.replies, { durable: true });
}

/**
 * A broker connection that reconnects by itself with exponential backoff (amqplib's recovery),
 * running `onConnect` after every (re)connect to rebuild channels and consumers.
 */
export async function connectBroker(url: string, name: string, onConnect: (model: ChannelModel) => Promise<void>) {
  const connection = await amqp.connect(
    { ...parseUrl(url), heartbeat: 5 },
    {
      clientProperties: { connection_name: name },
      recovery: {
        initialDelay: 250,
        maxDelay: 5000,
        factor: 2,
        jitter: 0.2,
        maxRetries: Infinity,
        waitForConnect: false,
        setup: async (model: ChannelModel) => {
          await onConnect(model);
          log(name, 'connected to broker');
        },
      },
    },
  );
  connection.on('disconnect', (err: Error) => log(name, `broker connection lost: ${err?.message ?? 'closed'}`));
  connection.on('reconnect-scheduled', ({ attempt, delay }: { attempt: number; delay: number }) =>
    log(name, `reconnecting to broker (attempt ${attempt}) in ${delay} ms`),
  );
  connection.on('error', (err: Error) => log(name, `broker error: ${err.message}`));
  return connection;
}

function parseUrl(url: string) {
  const u = new URL(url);
  return {
    protocol: u.protocol.replace(':', ''),
    hostname: u.hostname,
    port: Number(u.port || 5672),
    username: decodeURIComponent(u.username),
    password: decodeURIComponent(u.password),
    vhost: u.pathname.length > 1 ? decodeURIComponent(u.pathname.slice(1)) : '/',
  };
}

export function encode(body: unknown): Buffer {
  return Buffer.from(JSON.stringify(body));
}
