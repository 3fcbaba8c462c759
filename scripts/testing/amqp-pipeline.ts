import amqp, { type Channel, type ChannelModel } from 'amqplib';
import { parseConfig } from '../../lib/config/load-config';
import type { Snapshot } from '../../lib/contracts/snapshot';
import { Poller } from '../../lib/poller/poller';
import { rabbitManagementUrl, stackSecrets, type StackLayout } from '../stack';
import { sleep } from '../stack/processes';
import { waitFor } from './demo-client';

/**
 * A pipeline built in a test, on the test stack's real broker: a vhost of its own, queues, and
 * worker groups that are real AMQP consumers in the test's process. For tests of pipelines warroom
 * was not written for (lib/poller/second-pipeline.integration.test.ts,
 * lib/poller/request-types.integration.test.ts).
 */
export class TestVhost {
  private readonly auth: string;
  constructor(
    private readonly layout: StackLayout,
    readonly name: string,
  ) {
    const s = stackSecrets(layout);
    this.auth = `Basic ${Buffer.from(`${s.rabbitUser}:${s.rabbitPassword}`).toString('base64')}`;
  }

  private async management(method: 'PUT' | 'DELETE', path: string, body?: unknown): Promise<void> {
    const res = await fetch(`${rabbitManagementUrl(this.layout)}${path}`, {
      method,
      headers: { authorization: this.auth, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (!res.ok && !(method === 'DELETE' && res.status === 404))
      throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
  }

  /** A fresh vhost (a leftover of an earlier run is deleted first) the stack's user may use, and a connection to it. */
  async create(): Promise<ChannelModel> {
    const { rabbitUser, rabbitPassword } = stackSecrets(this.layout);
    await this.delete();
    await this.management('PUT', `/api/vhosts/${this.name}`, {});
    await this.management('PUT', `/api/permissions/${this.name}/${encodeURIComponent(rabbitUser)}`, {
      configure: '.*',
      write: '.*',
      read: '.*',
    });
    return amqp.connect(
      `amqp://${encodeURIComponent(rabbitUser)}:${encodeURIComponent(rabbitPassword)}@127.0.0.1:${this.layout.ports.amqp}/${encodeURIComponent(this.name)}`,
    );
  }

  async delete(): Promise<void> {
    await this.management('DELETE', `/api/vhosts/${this.name}`);
  }
}

/** One worker group: `count` consumers, each taking one message at a time for `serviceMs`. */
export class WorkerGroup {
  private channels: Channel[] = [];
  constructor(
    private readonly connection: ChannelModel,
    private readonly from: string,
    private readonly to: string | null,
  ) {}

  async set(count: number, serviceMs: number): Promise<void> {
    const old = this.channels;
    this.channels = [];
    for (let i = 0; i < count; i++) {
      const ch = await this.connection.createChannel();
      await ch.prefetch(1);
      await ch.consume(this.from, (msg) => {
        if (!msg) return;
        setTimeout(() => {
          try {
            if (this.to) ch.sendToQueue(this.to, msg.content, { timestamp: Math.floor(Date.now() / 1000) });
            ch.ack(msg);
          } catch {
            // The channel closed while this message was in hand: the broker redelivers it.
          }
        }, serviceMs);
      });
      this.channels.push(ch);
    }
    await Promise.all(old.map((ch) => ch.close().catch(() => undefined)));
  }

  async close(): Promise<void> {
    await this.set(0, 0);
  }
}

/** Requests arrive in `queue` at `perSec`, stamped with the AMQP timestamp (as the demo's API does). */
export function publishAt(channel: Channel, queue: string, perSec: number): NodeJS.Timeout {
  let carry = 0;
  return setInterval(() => {
    carry += perSec / 10;
    for (; carry >= 1; carry--)
      channel.sendToQueue(queue, Buffer.from('{"doc":1}'), { timestamp: Math.floor(Date.now() / 1000) });
  }, 100);
}

/** When the test's own passive declares (every 100 ms, no lag) first see more than 50 ready in `queue`. */
export async function passedFiftyAt(channel: Channel, queue: string, timeoutMs = 60_000): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const { messageCount } = await channel.checkQueue(queue);
    if (messageCount > 50) return Date.now();
    await sleep(100);
  }
  throw new Error(`${queue} never passed 50 ready`);
}

/**
 * The dashboard's own poller on a pipeline configured by `yaml` (a new user's file, with the
 * broker's credentials as `${RABBIT_USER}` and `${RABBIT_PASSWORD}`), every snapshot kept with the
 * moment it arrived.
 */
export class WatchedPipeline {
  readonly snapshots: Array<{ atMs: number; s: Snapshot }> = [];
  readonly poller: Poller;

  constructor(layout: StackLayout, yaml: string, file: string) {
    const { rabbitUser, rabbitPassword } = stackSecrets(layout);
    this.poller = new Poller(
      parseConfig(yaml, file, { RABBIT_USER: rabbitUser, RABBIT_PASSWORD: rabbitPassword }),
      null,
    );
    this.poller.on('snapshot', (s: Snapshot) => this.snapshots.push({ atMs: Date.now(), s }));
  }

  /** Starts polling, and waits until the poller has settled with the broker answering. */
  async start(): Promise<void> {
    this.poller.start();
    await waitFor(
      async () => this.poller.settled() && this.poller.snapshot().sources.rabbitmq.status === 'ok',
      (ok) => ok,
      30_000,
      'the poller to settle on the broker',
      200,
    );
  }

  /** The first snapshot at or after `sinceMs` in which `named` holds, waiting up to timeoutMs. */
  async first(sinceMs: number, named: (s: Snapshot) => boolean, timeoutMs = 60_000) {
    const hit = await waitFor(
      async () => this.snapshots.find((x) => x.atMs >= sinceMs && named(x.s)) ?? null,
      (x) => x !== null,
      timeoutMs,
      'the bottleneck to be named',
      100,
    );
    return hit!;
  }

  /** The snapshots that arrived at or after `sinceMs`. */
  since(sinceMs: number): Snapshot[] {
    return this.snapshots.filter((x) => x.atMs >= sinceMs).map((x) => x.s);
  }

  async stop(): Promise<void> {
    await this.poller.stop();
  }
}
