import { z } from 'zod';

/**
 * RabbitMQ management API queue objects. Every field is optional: since late 2023 the list
 * endpoint drops null and absent fields, counters appear only after activity, and `columns=`
 * trims the rest.
 */
const Rate = z.object({ rate: z.number() }).partial().optional();

export const ManagementQueueSchema = z.looseObject({
  name: z.string(),
  vhost: z.string(),
  state: z.string().optional(),
  messages: z.number().nullable().optional(),
  messages_ready: z.number().nullable().optional(),
  messages_unacknowledged: z.number().nullable().optional(),
  consumers: z.number().nullable().optional(),
  consumer_capacity: z.number().nullable().optional(),
  consumer_utilisation: z.number().nullable().optional(),
  head_message_timestamp: z.number().nullable().optional(),
  /** On a single queue's object: each consumer, with the prefetch its channel allows. */
  consumer_details: z.array(z.looseObject({ prefetch_count: z.number().nullable().optional() })).optional(),
  message_stats: z
    .looseObject({
      publish_details: Rate,
      deliver_get_details: Rate,
      ack_details: Rate,
      redeliver_details: Rate,
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
