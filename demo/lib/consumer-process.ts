import type http from 'node:http';
import type { Channel, ConfirmChannel, ConsumeMessage } from 'amqplib';
import { connectBroker, assertTopology } from './amqp';
import { onceStopSignal } from './env';
import { log } from './log';

/**
 * The life of a queue-consuming demo process: connect (and reconnect) to the broker, take one
 * message at a time (prefetch 1), and on SIGTERM/SIGINT stop deliveries, finish the message in
 * hand, close cleanly and exit. A message that was delivered but not acked goes back to the queue
 * when the channel closes, so stopping a consumer loses nothing.
 */
export async function runConsumer(options: {
  name: string;
  amqpUrl: string;
  queue: string;
  handle: (channel: ConfirmChannel, msg: ConsumeMessage) => Promise<void>;
  metricsServer: http.Server;
}): Promise<never> {
  const { name, queue, handle } = options;
  let channel: ConfirmChannel | null = null;
  let consumerTag: string | null = null;
  let inFlight: Promise<void> | null = null;
  let stopping = false;

  const connection = await connectBroker(options.amqpUrl, name, async (model) => {
    // A confirm channel, so a handler can wait until what it published is safely with the broker
    // before it acks the message that caused it.
    const ch = await model.createConfirmChannel();
    await assertTopology(ch);
    await ch.prefetch(1);
    if (stopping) return;
    const consumer = await ch.consume(queue, (msg) => {
      if (!msg) return;
      if (msg.fields.redelivered) log(name, `redelivered: ${msg.properties.correlationId}`);
      inFlight = handle(ch, msg)
        .catch((err: Error) => log(name, `handling failed: ${err.message}`))
        .finally(() => {
          inFlight = null;
        });
    });
    channel = ch;
    consumerTag = consumer.consumerTag;
  });
  log(name, `consuming ${queue}`);

  const signal = await onceStopSignal();
  stopping = true;
  log(name, `${signal}: stopping; finishing the message in hand`);
  const ch = channel as Channel | null;
  if (ch && consumerTag) await ch.cancel(consumerTag).catch(() => undefined);
  if (inFlight) await inFlight;
  // Close the channel before the connection: RabbitMQ may drop an ack still queued in a channel
  // when the whole connection closes, and the message would be delivered a second time.
  if (ch) await ch.close().catch(() => undefined);
  await connection.close().catch(() => undefined);
  options.metricsServer.close();
  log(name, 'stopped');
  process.exit(0);
}
