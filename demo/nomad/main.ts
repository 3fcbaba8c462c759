import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { log } from '../lib/log';
import { Cluster } from './cluster';
import { createNomadApi } from './http-api';
import { JobFileSchema } from './job-spec';
import { PortPool } from './port-pool';
import { Runner } from './runner';

/**
 * A local stand-in for a Nomad agent (none can be installed here): registers the jobs of a JSON
 * job file, runs their groups as real child processes, and serves the documented HTTP API
 * subset. The ACL token comes from NOMAD_STANDIN_TOKEN (never argv, which `ps` shows).
 */
const { values: args } = parseArgs({
  options: {
    port: { type: 'string' },
    jobs: { type: 'string' },
    'targets-dir': { type: 'string' },
    'alloc-log-dir': { type: 'string' },
    'alloc-ports': { type: 'string', default: '20000-20999' },
  },
});
if (!args.port || !args.jobs || !args['targets-dir'] || !args['alloc-log-dir']) {
  throw new Error(
    'usage: nomad-standin --port N --jobs FILE --targets-dir DIR --alloc-log-dir DIR [--alloc-ports A-B]',
  );
}
const [portStart, portEnd] = args['alloc-ports'].split('-').map(Number);
const jobFile = JobFileSchema.safeParse(JSON.parse(readFileSync(args.jobs, 'utf8')));
if (!jobFile.success) {
  throw new Error(`${args.jobs}: ${jobFile.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
}

const cluster = new Cluster();
for (const job of jobFile.data.Jobs) cluster.register(job);
const name = 'nomad-standin';
const runner = new Runner(cluster, new PortPool(portStart!, portEnd!), {
  allocLogDir: args['alloc-log-dir'],
  targetsDir: args['targets-dir'],
  log: (msg) => log(name, msg),
});
runner.reconcile();

const server = createNomadApi(cluster, process.env.NOMAD_STANDIN_TOKEN || null);
server.listen(Number(args.port), '127.0.0.1', () => log(name, `Nomad HTTP API on :${args.port}`));

let stopping = false;
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.on(signal, async () => {
    if (stopping) return;
    stopping = true;
    log(name, `${signal}: stopping all allocations`);
    server.close();
    server.closeAllConnections();
    await runner.shutdown();
    process.exit(0);
  });
}
