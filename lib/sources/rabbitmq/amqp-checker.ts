import amqp, { type Channel, type ChannelModel } from 'amqplib';
import { redactorFor, urlSecrets } from '../../format/redact';
import { recordSourceCall } from '../../metrics/registry';
import { fail, ok, type SourceResult } from '../result';
import type { QueueCheck } from './types';

/**
 * Passive declares (checkQueue) over AMQP: one round trip, no statistics lag. A missing queue
 * makes the broker close the channel (404), so checks use a dedicated channel, made again after
 * such a close; the connection reconnects with backoff by itself (amqplib recovery).
 */
export interface AmqpCheckerOptions {
  url: string;
  username?: string;
  password?: string;
  vhost: string;
  timeoutMs?: number;
}

export function createAmqpChecker(options: AmqpCheckerOptions) {
  const timeoutMs = options.timeoutMs ?? 2000;
  // amqplib's errors can quote the connection's URL or credentials: none leaves this adapter.
  const scrub = redactorFor([
    ...urlSecrets(options.url),
    options.password,
    options.username && options.password ? `${options.username}:${options.password}` : null,
  ]);
  let connection: Awaited<ReturnType<typeof connect>> | null = null;
  let connecting: Promise<void> | null = null;
  let model: ChannelModel | null = null;
  let channel: Channel | null = null;
  let lastError: string | null = null;
  let closed = false;
  // The first attempt to connect, made or failed: a check asked meanwhile waits for it (a checker
  // still connecting is not a broker that does not answer).
  let firstAttemptDone: () => void = () => undefined;
  const firstAttempt = new Promise<void>((resolve) => (firstAttemptDone = resolve));

  function connect() {
    const u = new URL(options.url);
    return amqp.connect(
      {
        protocol: u.protocol.replace(':', ''),
        hostname: u.hostname,
        port: Number(u.port || (u.protocol === 'amqps:' ? 5671 : 5672)),
        username: options.username ?? (decodeURIComponent(u.username) || 'guest'),
        password: options.password ?? (decodeURIComponent(u.password) || 'guest'),
        vhost: options.vhost,
        heartbeat: 10,
      },
      {
        clientProperties: { connection_name: 'warroom queue checks' },
        timeout: timeoutMs,
        recovery: {
          initialDelay: 500,
          maxDelay: 10_000,
          waitForConnect: false,
          setup: async (m: ChannelModel) => {
            model = m;
            channel = null;
            firstAttemptDone();
          },
        },
      },
    );
  }

  async function ensureChannel(): Promise<Channel> {
    if (closed) throw new Error('checker closed');
    if (!connection) {
      connecting ??= connect().then((c) => {
        connection = c;
        c.on('disconnect', (err: Error) => {
          lastError = err?.message ?? 'connection closed';
          model = null;
          channel = null;
        });
        c.on('connect-failed', (err: Error) => {
          lastError = err.message;
          firstAttemptDone();
        });
        c.on('error', () => undefined);
      });
      await connecting;
    }
    if (!model && !lastError) {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([firstAttempt, new Promise((resolve) => (timer = setTimeout(resolve, timeoutMs)))]);
      clearTimeout(timer);
    }
    if (channel) return channel;
    if (!model) throw new Error(lastError ? `not connected (${lastError})` : 'not connected yet');
    const ch = await model.createChannel();
    ch.on('error', () => undefined);
    ch.on('close', () => {
      if (channel === ch) channel = null;
    });
    channel = ch;
    return ch;
  }

  function withTimeout<T>(promise: Promise<T>): Promise<T> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`timed out after ${timeoutMs / 1000} s`)), timeoutMs);
      promise.then(
        (v) => {
          clearTimeout(timer);
          resolve(v);
        },
        (e) => {
          clearTimeout(timer);
          reject(e);
        },
      );
    });
  }

  return {
    async check(name: string): Promise<SourceResult<QueueCheck>> {
      const started = performance.now();
      try {
        const ch = await ensureChannel();
        const reply = await withTimeout(ch.checkQueue(name));
        recordSourceCall('rabbitmq-amqp', 'check-queue', true, 0, (performance.now() - started) / 1000);
        return ok({ name, ready: reply.messageCount, consumers: reply.consumerCount, atMs: Date.now() });
      } catch (err) {
        recordSourceCall('rabbitmq-amqp', 'check-queue', false, 0, (performance.now() - started) / 1000);
        const message = scrub((err as Error).message);
        if (/NOT_FOUND|404/.test(message)) return fail(`RabbitMQ: queue "${name}" does not exist`);
        return fail(`RabbitMQ (AMQP): ${message}`);
      }
    },

    async close(): Promise<void> {
      closed = true;
      await connection?.close().catch(() => undefined);
    },
  };
}

export type AmqpChecker = ReturnType<typeof createAmqpChecker>;
