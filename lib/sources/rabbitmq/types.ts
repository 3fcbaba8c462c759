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
  /*
   * Optional below: views built by hand (tests, the sweep) may leave them out. toQueueStats sets all.
   * The queue's length limits and what it does when full (lower of argument and policy); null when none.
   */
  maxLength?: number | null;
  maxLengthBytes?: number | null;
  readyBytes?: number | null;
  /** drop-head (RabbitMQ's default once a limit is set), reject-publish or reject-publish-dlx; null without a limit. */
  overflow?: string | null;
  /** Where dead letters go: an exchange name ('' is the default exchange, routed by the key); null when none. */
  deadLetterExchange?: string | null;
  deadLetterRoutingKey?: string | null;
  /**
   * Messages consumers took with manual acknowledgement and neither acknowledged nor had
   * redelivered, per second: those rejected or nacked with requeue=false (dead-lettered when
   * the queue has a dead-letter exchange, discarded otherwise). An estimate; see toQueueStats.
   */
  rejectedByConsumersRate?: number | null;
}

/** Publishers held back, from one page of connections and the nodes' alarms. */
export interface PublisherPressure {
  /** Connections counted (at most one page; `total` says how many exist). */
  seen: number;
  total: number;
  /** Credit flow is throttling these publishers: something downstream (often a queue) cannot keep up. */
  flow: number;
  /** Held by a resource alarm: `blocked` publishers are stopped, `blocking` ones will be at their next publish. */
  blocked: number;
  blocking: number;
  /** Per vhost, the same counts (only vhosts with a throttled connection). */
  byVhost: Record<string, { flow: number; blocked: number; blocking: number }>;
  memoryAlarm: boolean;
  diskAlarm: boolean;
  /** Every throttled connection fitted on the page read (false: the counts are lower bounds). */
  complete: boolean;
}

/** A passive declare over AMQP: no statistics lag, ready messages only. */
export interface QueueCheck {
  name: string;
  ready: number;
  consumers: number;
  atMs: number;
}
