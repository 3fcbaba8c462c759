import { z } from 'zod';
import { roles } from '../contracts/viewer';
import { isBranching, upstreamStages } from '../contracts/stage-graph';

/**
 * warroom's configuration file (YAML, named by WARROOM_CONFIG): the pipeline's stages in request
 * order, where each stage's numbers come from, the end-to-end SLO, the sources and the poll
 * intervals. Secrets may be written as `${ENV_VAR}` and are read from the environment at load time.
 */
const url = z.url({ protocol: /^https?$/ });

export const RabbitSourceSchema = z.strictObject({
  managementUrl: url,
  amqpUrl: z.url({ protocol: /^amqps?$/ }).optional(),
  username: z.string().min(1).optional(),
  password: z.string().min(1).optional(),
  vhost: z.string().default('/'),
  /** The rabbitmq_prometheus plugin (e.g. http://rabbitmq.internal:15692), read when polling.queueStatsFrom is 'prometheus'. */
  prometheusUrl: url.optional(),
});

export const PrometheusSourceSchema = z.strictObject({
  url,
  bearerToken: z.string().min(1).optional(),
});

export const NomadSourceSchema = z.strictObject({
  url,
  token: z.string().min(1).optional(),
  namespace: z.string().default('default'),
});

/**
 * A latency either from a Prometheus histogram (quantiles are computed from its buckets) or as
 * explicit queries per quantile. Queries return seconds.
 */
export const LatencySpecSchema = z.union([
  z.strictObject({
    histogram: z.string().regex(/^[a-zA-Z_:][a-zA-Z0-9_:]*$/, 'a metric name without _bucket'),
    filter: z.string().optional(),
    window: z
      .string()
      .regex(/^\d+[smh]$/, 'a duration such as 1m')
      .default('1m'),
  }),
  z.strictObject({
    p50: z.string().optional(),
    p90: z.string().optional(),
    p95: z.string().optional(),
    p99: z.string().optional(),
  }),
]);

/**
 * A worker stage's GPU memory, as the exporters publish it: `usedQuery` and one of `freeQuery`
 * (NVIDIA's dcgm-exporter: DCGM_FI_DEV_FB_USED and DCGM_FI_DEV_FB_FREE, in MiB) or `totalQuery`
 * (nvidia_gpu_exporter: nvidia_smi_memory_used_bytes and nvidia_smi_memory_total_bytes, in
 * bytes). Each query returns one series per GPU, not aggregated: warroom pairs used with free or
 * total by their labels, counts the GPUs and sums.
 */
export const GpuMemorySpecSchema = z
  .strictObject({
    usedQuery: z
      .string({ error: 'required: PromQL for memory used, one series per GPU (e.g. DCGM_FI_DEV_FB_USED)' })
      .min(1),
    freeQuery: z.string().min(1).optional(),
    totalQuery: z.string().min(1).optional(),
    unit: z.enum(['MiB', 'bytes'], { error: "'MiB' (dcgm-exporter) or 'bytes' (nvidia_gpu_exporter)" }).default('MiB'),
  })
  .superRefine((m, ctx) => {
    if (!m.freeQuery === !m.totalQuery)
      ctx.addIssue({
        code: 'custom',
        path: [m.freeQuery ? 'totalQuery' : 'freeQuery'],
        message: m.freeQuery
          ? 'give freeQuery or totalQuery, not both'
          : 'required: freeQuery (e.g. DCGM_FI_DEV_FB_FREE) or totalQuery (e.g. nvidia_smi_memory_total_bytes)',
      });
  });

const stageId = z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'lower-case letters, digits and dashes');

export const StageSchema = z.strictObject({
  id: stageId,
  kind: z.enum(['service', 'queue', 'workers', 'store']),
  label: z.string().min(1).optional(),
  queue: z
    .strictObject({
      name: z.string().min(1),
      vhost: z.string().optional(),
      /** Ready messages above which a growing queue is an alarm. */
      depthThreshold: z.number().int().positive().default(50),
    })
    .optional(),
  consumesFrom: stageId.optional(),
  /**
   * The stages a request comes from, when not the one listed before: how several request types
   * branch (one queue and worker group per model) and join again. Only earlier stages.
   */
  after: z.union([stageId, z.array(stageId).min(1)]).optional(),
  latency: LatencySpecSchema.optional(),
  gpuUtilQuery: z.string().min(1).optional(),
  /** A workers stage's GPU memory (needs gpuUtilQuery: packing room is the lower of the two). */
  gpuMemory: GpuMemorySpecSchema.optional(),
  nomad: z.strictObject({ job: z.string().min(1), group: z.string().min(1) }).optional(),
});

export const EndToEndSchema = z.strictObject({
  /**
   * What the client sees, when a histogram (or queries) measure it. Optional: without it the
   * end-to-end figure is estimated from the queue waits and whatever stage timings exist, and the
   * page says it is estimated.
   */
  latency: LatencySpecSchema.optional(),
  quantile: z.union([z.literal(0.5), z.literal(0.9), z.literal(0.95), z.literal(0.99)]).default(0.9),
  sloMs: z.number().positive(),
});

export const PollingSchema = z.strictObject({
  amqpMs: z.number().int().min(250).default(1000),
  managementMs: z.number().int().min(1000).default(5000),
  prometheusMs: z.number().int().min(1000).default(5000),
  nomadMs: z.number().int().min(1000).default(5000),
  seriesMs: z.number().int().min(2000).default(15000),
  /** Queues per management API page when sweeping for unmonitored queues. */
  queuePageSize: z.number().int().min(10).max(500).default(100),
  /**
   * Where every queue's counts come from: 'management' (pages of the management API) or
   * 'prometheus' (one read of the Prometheus plugin's detailed endpoint per management cycle,
   * for large brokers; needs sources.rabbitmq.prometheusUrl).
   */
  queueStatsFrom: z.enum(['management', 'prometheus']).default('management'),
});

export const UserSchema = z
  .strictObject({
    name: z.string().regex(/^[a-zA-Z0-9._-]{1,64}$/, 'letters, digits, dot, dash, underscore'),
    role: z.enum(roles),
    /** `scrypt$salt$hash` (see `npm run hash-password`); never the password itself. */
    passwordHash: z
      .string()
      .regex(
        /^scrypt\$(ln=\d{1,2},r=\d{1,2},p=\d{1,2}\$)?[A-Za-z0-9_-]+\$[A-Za-z0-9_-]+$/,
        'a scrypt hash made by npm run hash-password',
      )
      .optional(),
    /** `sha256$hex` of an API token, for scripts (Authorization: Bearer <token>). */
    tokenHash: z
      .string()
      .regex(/^sha256\$[0-9a-f]{64}$/, 'a sha256 hash made by npm run hash-password -- --token')
      .optional(),
  })
  .refine((u) => u.passwordHash || u.tokenHash, { message: 'a user needs passwordHash or tokenHash' });

/**
 * Who may read and act. Required: reads are open only when `anonymousRead` says so, never because
 * something is missing (fail closed).
 */
export const AuthSchema = z
  .strictObject(
    {
      /** Signs session cookies; at least 32 characters. */
      sessionSecret: z.string().min(32, 'at least 32 characters'),
      /** Let anyone read the dashboard without signing in (as a viewer, seeing the public view). */
      anonymousRead: z.boolean().default(false),
      users: z.array(UserSchema).default([]),
    },
    {
      error: (issue) =>
        issue.input === undefined
          ? 'required: who may read and act (users, or anonymousRead: true with a sessionSecret); see README'
          : undefined,
    },
  )
  .refine((a) => a.users.length > 0 || a.anonymousRead, {
    path: ['users'],
    message: 'nobody could read the dashboard: add users, or set anonymousRead: true',
  });

export const ScaleTargetSchema = z.strictObject({
  job: z.string().min(1),
  group: z.string().min(1),
  /** warroom's own bounds, applied on top of the group's Nomad scaling min/max. */
  min: z.number().int().min(0).default(1),
  max: z.number().int().min(1),
  cooldownSec: z.number().int().min(0).default(60),
});

export const ActionsSchema = z.strictObject({
  scale: z
    .strictObject({
      targets: z.array(ScaleTargetSchema).default([]),
      /** A change to more than this many times the current count (or to zero) must be confirmed by typing the group's name. */
      largeChangeFactor: z.number().min(1).default(2),
    })
    .default({ targets: [], largeChangeFactor: 2 }),
});

export const HistorySchema = z.strictObject({
  /** Store a snapshot at most this often while anything changes. */
  snapshotEveryMs: z.number().int().min(1000).default(5000),
  retentionHours: z.number().min(1).default(168),
});

/** Outbound notifications: incidents announced to chat (Slack-compatible incoming webhooks). */
export const NotifySchema = z.strictObject({
  /** The dashboard's address as people reach it, for the links in messages. */
  publicUrl: url.optional(),
  webhooks: z
    .array(
      z.strictObject({
        /** The incoming webhook's URL: a secret (redacted everywhere, never sent to the browser). */
        url,
        on: z
          .array(z.enum(['suggested', 'opened', 'resolved']))
          .min(1)
          .default(['suggested', 'opened', 'resolved']),
      }),
    )
    .default([]),
});

export const PipelineSchema = z
  .strictObject({
    name: z.string().min(1),
    description: z.string().optional(),
    stages: z.array(StageSchema).min(1),
    endToEnd: EndToEndSchema,
  })
  .superRefine((p, ctx) => {
    const ids = new Set<string>();
    p.stages.forEach((s, i) => {
      if (ids.has(s.id))
        ctx.addIssue({ code: 'custom', path: ['stages', i, 'id'], message: `duplicate stage id "${s.id}"` });
      ids.add(s.id);
      if (s.kind === 'queue' && !s.queue)
        ctx.addIssue({ code: 'custom', path: ['stages', i, 'queue'], message: 'a queue stage needs queue.name' });
      if (s.gpuMemory && s.kind !== 'workers')
        ctx.addIssue({
          code: 'custom',
          path: ['stages', i, 'gpuMemory'],
          message: 'gpuMemory is for a workers stage (memory per worker needs its worker count)',
        });
      else if (s.gpuMemory && !s.gpuUtilQuery)
        ctx.addIssue({
          code: 'custom',
          path: ['stages', i, 'gpuMemory'],
          message: 'gpuMemory needs gpuUtilQuery on the same stage (packing room is the lower of the two)',
        });
    });
    p.stages.forEach((s, i) => {
      if (s.after === undefined) return;
      const earlier = new Set(p.stages.slice(0, i).map((t) => t.id));
      const after = typeof s.after === 'string' ? [s.after] : s.after;
      const seen = new Set<string>();
      after.forEach((id, j) => {
        const path = typeof s.after === 'string' ? ['stages', i, 'after'] : ['stages', i, 'after', j];
        let message: string | null = null;
        if (id === s.id) message = `a stage cannot come after itself`;
        else if (seen.has(id)) message = `"${id}" is named twice`;
        else if (!p.stages.some((t) => t.id === id)) message = `"${id}" is not a stage of this pipeline`;
        else if (!earlier.has(id))
          message = `"${id}" is listed after "${s.id}": stages are in request order, so after names earlier stages only`;
        seen.add(id);
        if (message) ctx.addIssue({ code: 'custom', path, message });
      });
    });
    // Once stages branch, a worker group must be reached through the queue it consumes from.
    const graph = p.stages.map((s) => ({
      id: s.id,
      kind: s.kind,
      consumesFrom: s.consumesFrom,
      after: s.after === undefined ? undefined : typeof s.after === 'string' ? [s.after] : s.after,
    }));
    if (isBranching(graph))
      p.stages.forEach((s, i) => {
        if (s.kind !== 'workers' || !s.consumesFrom) return;
        if (!p.stages.slice(0, i).some((t) => t.id === s.consumesFrom)) {
          ctx.addIssue({
            code: 'custom',
            path: ['stages', i, 'consumesFrom'],
            message: `"${s.consumesFrom}" is listed after "${s.id}": where stages branch, a group comes after the queue it consumes from`,
          });
          return;
        }
        if (s.after === undefined) return;
        if (!upstreamStages(graph, s.id).includes(s.consumesFrom))
          ctx.addIssue({
            code: 'custom',
            path: ['stages', i, 'after'],
            message: `the queue this group consumes from ("${s.consumesFrom}") is not on the way to it`,
          });
      });
    p.stages.forEach((s, i) => {
      if (!s.consumesFrom) return;
      const target = p.stages.find((t) => t.id === s.consumesFrom);
      if (!target || target.kind !== 'queue') {
        ctx.addIssue({
          code: 'custom',
          path: ['stages', i, 'consumesFrom'],
          message: `"${s.consumesFrom}" is not a queue stage of this pipeline`,
        });
      }
    });
  });

export const ConfigSchema = z
  .strictObject({
    auth: AuthSchema,
    notify: NotifySchema.default({ webhooks: [] }),
    history: HistorySchema.default({ snapshotEveryMs: 5000, retentionHours: 168 }),
    actions: ActionsSchema.default({ scale: { targets: [], largeChangeFactor: 2 } }),
    /** One pipeline, or `pipelines` (several on the same sources): exactly one of the two. */
    pipeline: PipelineSchema.optional(),
    pipelines: z.array(PipelineSchema).min(1).optional(),
    polling: PollingSchema.default(PollingSchema.parse({})),
    sources: z.strictObject({
      rabbitmq: RabbitSourceSchema.optional(),
      prometheus: PrometheusSourceSchema.optional(),
      nomad: NomadSourceSchema.optional(),
    }),
  })
  .superRefine((c, ctx) => {
    if (!c.pipeline === !c.pipelines)
      ctx.addIssue({
        code: 'custom',
        path: [c.pipeline ? 'pipelines' : 'pipeline'],
        message: c.pipeline ? 'give pipeline or pipelines, not both' : 'required: pipeline (or pipelines, a list)',
      });
    const names = new Set<string>();
    (c.pipelines ?? []).forEach((p, i) => {
      if (names.has(p.name))
        ctx.addIssue({
          code: 'custom',
          path: ['pipelines', i, 'name'],
          message: `duplicate pipeline name "${p.name}"`,
        });
      names.add(p.name);
    });
    if (c.polling.queueStatsFrom === 'prometheus' && !c.sources.rabbitmq?.prometheusUrl)
      ctx.addIssue({
        code: 'custom',
        path: ['polling', 'queueStatsFrom'],
        message:
          "'prometheus' needs sources.rabbitmq.prometheusUrl (the rabbitmq_prometheus plugin, e.g. http://rabbitmq.internal:15692)",
      });
  })
  // Everything downstream reads `pipelines` (each with its own view, URL and incidents) and, for
  // the default view, `pipeline`: the first of them.
  .transform(({ pipeline, pipelines, ...rest }) => {
    const all = pipelines ?? [pipeline!];
    return { ...rest, pipeline: all[0]!, pipelines: all };
  });

export type WarroomConfig = z.infer<typeof ConfigSchema>;
export type PipelineConfig = z.infer<typeof PipelineSchema>;
export type StageConfig = z.infer<typeof StageSchema>;
export type LatencySpec = z.infer<typeof LatencySpecSchema>;
export type GpuMemorySpec = z.infer<typeof GpuMemorySpecSchema>;
export type ScaleTarget = z.infer<typeof ScaleTargetSchema>;
export type UserConfig = z.infer<typeof UserSchema>;
export type SourceKind = keyof WarroomConfig['sources'];
export const sourceKinds: SourceKind[] = ['rabbitmq', 'prometheus', 'nomad'];
