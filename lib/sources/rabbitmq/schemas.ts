import { z } from 'zod';

/**
 * RabbitMQ management API queue objects. Every field is optional: since late 2023 the list
 * endpoint drops null and absent fields, counters appear only after activity, and `columns=`
 * trims the rest.
 */
const Rate = z.object({ rate: z.number() }).partial().optional();

/**
 * Queue `arguments` and `effective_policy_definition`: a JSON object, except that older servers
 * render an empty one as `[]`. Values are open (numbers, strings, tables), read by key.
 */
const Table = z
  .union([z.record(z.string(), z.unknown()), z.array(z.unknown())])
  .nullable()
  .optional();

export const ManagementQueueSchema = z.looseObject({
  name: z.string(),
  vhost: z.string(),
  state: z.string().optional(),
  messages: z.number().nullable().optional(),
  messages_ready: z.number().nullable().optional(),
  messages_unacknowledged: z.number().nullable().optional(),
  messages_unacknowledged_details: Rate,
  consumers: z.number().nullable().optional(),
  consumer_capacity: z.number().nullable().optional(),
  consumer_utilisation: z.number().nullable().optional(),
  head_message_timestamp: z.number().nullable().optional(),
  message_bytes_ready: z.number().nullable().optional(),
  /** Declared `x-max-length`, `x-max-length-bytes`, `x-overflow`, `x-dead-letter-exchange`, ... */
  arguments: Table,
  /** The policy and operator policy merged: `max-length`, `overflow`, `dead-letter-exchange`, ... */
  effective_policy_definition: Table,
  /** On a single queue's object: each consumer, with the prefetch its channel allows. */
  consumer_details: z.array(z.looseObject({ prefetch_count: z.number().nullable().optional() })).optional(),
  message_stats: z
    .looseObject({
      publish_details: Rate,
      deliver_get_details: Rate,
      ack_details: Rate,
      redeliver_details: Rate,
      /** Manual-ack deliveries (consume and basic.get); `deliver_get` also counts automatic-ack ones. */
      deliver_details: Rate,
      get_details: Rate,
    })
    .optional(),
});

export const QueuePageSchema = z.object({
  items: z.array(ManagementQueueSchema),
  page: z.number(),
  page_count: z.number(),
  page_size: z.number(),
  total_count: z.number().optional(),
  filtered_count: z.number().optional(),
});

export type ManagementQueue = z.infer<typeof ManagementQueueSchema>;

/**
 * A connection as `/api/connections?columns=name,vhost,user,state` lists it. `state` is an open
 * string: running, flow (credit flow is throttling the publisher), blocking (a resource alarm is
 * on; blocked at its next publish), blocked (a publishing connection held by the alarm), and
 * starting, tuning, opening, closing, closed.
 */
export const ManagementConnectionSchema = z.looseObject({
  name: z.string(),
  vhost: z.string().optional(),
  user: z.string().optional(),
  state: z.string().optional(),
});

export const ConnectionPageSchema = z.object({
  items: z.array(ManagementConnectionSchema),
  page: z.number(),
  page_count: z.number(),
  page_size: z.number(),
  total_count: z.number().optional(),
  filtered_count: z.number().optional(),
});

/** `/api/nodes?columns=name,mem_alarm,disk_free_alarm`: a resource alarm blocks every publisher in the cluster. */
export const ManagementNodesSchema = z.array(
  z.looseObject({
    name: z.string(),
    mem_alarm: z.boolean().nullable().optional(),
    disk_free_alarm: z.boolean().nullable().optional(),
  }),
);

export type ManagementConnection = z.infer<typeof ManagementConnectionSchema>;
export type ManagementNodes = z.infer<typeof ManagementNodesSchema>;
