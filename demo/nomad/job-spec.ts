import { z } from 'zod';

/**
 * The subset of Nomad's JSON job specification the stand-in runs: service jobs of raw_exec tasks,
 * with group counts, scaling blocks, reserved and dynamic ports, and services (a service tagged
 * "prometheus" is published as a Prometheus file_sd target, as Nomad's native service discovery
 * would be read by Prometheus' nomad_sd_configs).
 */
const PortSchema = z.object({ Label: z.string(), Value: z.number().int().optional() });

export const TaskSpecSchema = z.object({
  Name: z.string(),
  Driver: z.literal('raw_exec'),
  Config: z.object({ command: z.string(), args: z.array(z.string()).default([]) }),
  Env: z.record(z.string(), z.string()).default({}),
  /** Nanoseconds, as in Nomad's JSON; how long a task gets between its kill signal and SIGKILL. */
  KillTimeout: z.number().int().default(5_000_000_000),
});

export const TaskGroupSpecSchema = z.object({
  Name: z.string(),
  Count: z.number().int().min(0),
  Scaling: z
    .object({
      Min: z.number().int().min(0),
      Max: z.number().int().min(0),
      Enabled: z.boolean().default(true),
      Policy: z.record(z.string(), z.unknown()).default({}),
    })
    .optional(),
  Networks: z
    .array(z.object({ ReservedPorts: z.array(PortSchema).default([]), DynamicPorts: z.array(PortSchema).default([]) }))
    .default([]),
  Services: z
    .array(z.object({ Name: z.string(), PortLabel: z.string(), Tags: z.array(z.string()).default([]) }))
    .default([]),
  Tasks: z.array(TaskSpecSchema).length(1, 'the stand-in runs exactly one task per group'),
});

export const JobSpecSchema = z.object({
  ID: z.string(),
  Name: z.string(),
  Namespace: z.string().default('default'),
  Type: z.literal('service'),
  Priority: z.number().int().default(50),
  Datacenters: z.array(z.string()).default(['dc1']),
  TaskGroups: z.array(TaskGroupSpecSchema).min(1),
});

export const JobFileSchema = z.object({ Jobs: z.array(JobSpecSchema).min(1) });

export type JobSpec = z.infer<typeof JobSpecSchema>;
export type TaskGroupSpec = z.infer<typeof TaskGroupSpecSchema>;
