/** The project's own view of a queue, whatever path it came from. Rates per second. */
export interface QueueStats {
  vhost: string;
  name: string;
  ready: number;
  unacked: number;
  consumers: number;
  state: string | null;
  publishRate: number | null;
  deliverRate: number | null;
  ackRate: number | null;
  redeliverRate: number | null;
  /** 0..1; null when there are no consumers. */
  consumerCapacity: number | null;
  /** Age of the oldest ready message, when publishers set the AMQP timestamp. */
  headAgeMs: number | null;
  /** The largest prefetch among the consumers (single-queue reads only); null when unknown or unlimited. */
  prefetch: number | null;
}

/** A passive declare over AMQP: no statistics lag, ready messages only. */
export interface QueueCheck {
  name: string;
  ready: number;
  consumers: number;
  atMs: number;
}
