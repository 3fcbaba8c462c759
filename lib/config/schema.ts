import { z } from 'zod';

/**
 * warroom's configuration file (YAML, named by WARROOM_CONFIG). This first version describes the
 * pipeline's name and the sources it reads; stages come with the topology. Secrets may be
 * written as `${ENV_VAR}` and are then read from the environment at load time.
 */
const url = z.url({ protocol: /^https?$/ });

export const RabbitSourceSchema = z.strictObject({
  managementUrl: url,
  amqpUrl: z.url({ protocol: /^amqps?$/ }).optional(),
  username: z.string().min(1).optional(),
  password: z.string().min(1).optional(),
  vhost: z.string().default('/'),
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

export const ConfigSchema = z.strictObject({
  pipeline: z.strictObject({
    name: z.string().min(1),
    description: z.string().optional(),
  }),
  sources: z.strictObject({
    rabbitmq: RabbitSourceSchema.optional(),
    prometheus: PrometheusSourceSchema.optional(),
    nomad: NomadSourceSchema.optional(),
  }),
});

export type WarroomConfig = z.infer<typeof ConfigSchema>;
export type SourceKind = keyof WarroomConfig['sources'];
export const sourceKinds: SourceKind[] = ['rabbitmq', 'prometheus', 'nomad'];
