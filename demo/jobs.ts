import type { JobSpec } from './nomad/job-spec';

/**
 * The demo's Nomad jobs, in Nomad's JSON job format. "api" runs the HTTP API (a static port) and
 * the reply consumers (3, as in the source incident); "ml-inference" runs the GPU workers.
 */
export interface DemoJobsInput {
  nodePath: string;
  bundles: { api: string; 'ml-worker': string; 'reply-consumer': string };
  amqpUrl: string;
  apiPort: number;
  replyConsumers?: number;
  mlWorkers?: number;
}

const secondsNs = (s: number) => s * 1_000_000_000;

export const demoJobIds = { api: 'api', ml: 'ml-inference' } as const;
export const demoGroups = { api: 'api', replyConsumer: 'reply-consumer', mlWorker: 'worker' } as const;

export function demoJobs(input: DemoJobsInput): JobSpec[] {
  const task = (name: string, bundle: string, env: Record<string, string>) => ({
    Name: name,
    Driver: 'raw_exec' as const,
    Config: { command: input.nodePath, args: [bundle] },
    Env: env,
    KillTimeout: secondsNs(30),
  });
  const metricsNetwork = [{ ReservedPorts: [], DynamicPorts: [{ Label: 'metrics' }] }];
  const apiUrl = `http://127.0.0.1:${input.apiPort}`;
  return [
    {
      ID: demoJobIds.api,
      Name: demoJobIds.api,
      Namespace: 'default',
      Type: 'service',
      Priority: 50,
      Datacenters: ['dc1'],
      TaskGroups: [
        {
          Name: demoGroups.api,
          Count: 1,
          Scaling: undefined,
          Networks: [{ ReservedPorts: [{ Label: 'http', Value: input.apiPort }], DynamicPorts: [] }],
          Services: [{ Name: 'api', PortLabel: 'http', Tags: ['prometheus'] }],
          Tasks: [task('api', input.bundles.api, { AMQP_URL: input.amqpUrl })],
        },
        {
          Name: demoGroups.replyConsumer,
          Count: input.replyConsumers ?? 3,
          Scaling: { Min: 1, Max: 64, Enabled: true, Policy: { cooldown: '1m' } },
          Networks: metricsNetwork,
          Services: [{ Name: 'reply-consumer', PortLabel: 'metrics', Tags: ['prometheus'] }],
          Tasks: [
            task('reply-consumer', input.bundles['reply-consumer'], { AMQP_URL: input.amqpUrl, API_URL: apiUrl }),
          ],
        },
      ],
    },
    {
      ID: demoJobIds.ml,
      Name: demoJobIds.ml,
      Namespace: 'default',
      Type: 'service',
      Priority: 50,
      Datacenters: ['dc1'],
      TaskGroups: [
        {
          Name: demoGroups.mlWorker,
          Count: input.mlWorkers ?? 10,
          Scaling: { Min: 1, Max: 40, Enabled: true, Policy: { cooldown: '2m' } },
          Networks: metricsNetwork,
          Services: [{ Name: 'ml-worker', PortLabel: 'metrics', Tags: ['prometheus'] }],
          Tasks: [task('worker', input.bundles['ml-worker'], { AMQP_URL: input.amqpUrl })],
        },
      ],
    },
  ];
}
