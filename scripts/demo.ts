import { spawn } from 'node:child_process';
import { parseArgs } from 'node:util';
import {
  demoUsers,
  buildDashboard,
  maxDashboardReplicas,
  pipelineUrls,
  prometheusUrl,
  rabbitManagementUrl,
  setScenario,
  stackLayout,
  stackSecrets,
  startDashboard,
  startPipeline,
  startStack,
  stopDashboard,
  stopPipeline,
  stopStack,
} from './stack';
import { parseScenarioName, scenarios } from '../demo/loadgen/scenarios';
import { sleep } from './stack/processes';

/**
 * `npm run demo [-- --scenario NAME] [--warmup SECONDS] [--replicas N]`: the local stack, the demo
 * pipeline and the dashboard, with URLs printed. The pipeline runs `steady` for the warm-up, then
 * the named scenario (reply-starvation by default, the source incident). With `--replicas N` the
 * dashboard runs as N servers on one PostgreSQL database, as deploy/warroom.nomad.hcl runs it.
 * Ctrl-C stops everything.
 */
const { values: args } = parseArgs({
  options: {
    scenario: { type: 'string', default: 'reply-starvation' },
    warmup: { type: 'string', default: '30' },
    replicas: { type: 'string', default: '1' },
    'no-open': { type: 'boolean', default: false },
  },
});
const scenario = parseScenarioName(args.scenario);
const warmupSec = Number(args.warmup);
if (!Number.isFinite(warmupSec) || warmupSec < 0)
  throw new Error(`--warmup must be a number of seconds, got "${args.warmup}"`);
const replicas = Number(args.replicas);
if (!Number.isInteger(replicas) || replicas < 1 || replicas > maxDashboardReplicas)
  throw new Error(`--replicas must be a whole number from 1 to ${maxDashboardReplicas}, got "${args.replicas}"`);

const layout = stackLayout('demo');
// Ctrl-C reaches this process more than once (from the terminal, and relayed by npm and tsx):
// signals within 3 s of the first are the same request; a later one forces the exit.
let stoppingAt = 0;
async function stopAll(code: number): Promise<void> {
  if (stoppingAt !== 0) {
    if (Date.now() - stoppingAt > 3000) {
      // Stopping waits for every process of the stack to exit (the broker can take 30 s); cut
      // short, some may still run and hold their ports, and the next start would fail on them.
      console.log('\nforced exit: the stack may still be stopping; `npm run stack -- down demo` stops what is left');
      process.exit(code);
    }
    return;
  }
  stoppingAt = Date.now();
  console.log('\nstopping the dashboard, the demo pipeline and the stack ...');
  await stopDashboard(layout);
  await stopPipeline(layout);
  await stopStack('demo');
  console.log('stopped.');
  process.exit(code);
}
process.on('SIGINT', () => void stopAll(0));
process.on('SIGTERM', () => void stopAll(0));

try {
  console.log(
    replicas > 1 ? 'starting RabbitMQ, Prometheus and PostgreSQL ...' : 'starting RabbitMQ and Prometheus ...',
  );
  await startStack('demo', { postgres: replicas > 1 });
  console.log('starting the Nomad stand-in, the API, ML workers, reply consumers and the load generator ...');
  const urls = await startPipeline(layout, { scenario: warmupSec > 0 ? 'steady' : scenario });
  console.log('building the dashboard ...');
  buildDashboard();
  const dashboards = await startDashboard(layout, { replicas });
  const dashboard = dashboards[0]!;
  const secrets = stackSecrets(layout);
  const replicaLines = dashboards
    .slice(1)
    .map((url, i) => `\n  dashboard replica ${i + 2}  ${url}`)
    .join('');
  const shared = replicas > 1 ? ` (${replicas} replicas on PostgreSQL database warroom_demo)` : '';
  console.log(`
warroom demo is running
  dashboard            ${dashboard}${shared}${replicaLines}
  demo API             ${urls.api}/v1/face-match, ${urls.api}/v1/ocr (POST)
  load generator       ${urls.loadgen}/stats, PUT ${urls.loadgen}/scenario {"name": "..."}
  Nomad stand-in       ${urls.nomad}/v1/jobs (X-Nomad-Token in ${layout.stateDir}/secrets.json)
  Prometheus           ${prometheusUrl(layout)}
  RabbitMQ management  ${rabbitManagementUrl(layout)} (user ${secrets.rabbitUser}, password in secrets.json)
sign in to act: ${demoUsers.operator} (operator, password ${secrets.users.operator}), ${demoUsers.admin} (admin) and ${demoUsers.viewer} (viewer) in secrets.json
scenario: steady for ${warmupSec} s, then ${scenario} (${scenarios[scenario].description})
Ctrl-C stops everything.
`);
  if (!args['no-open'] && process.env.DISPLAY)
    spawn('xdg-open', [dashboard], { stdio: 'ignore', detached: true })
      .on('error', () => undefined)
      .unref();
  if (warmupSec > 0) {
    await sleep(warmupSec * 1000);
    await setScenario(layout, scenario);
    console.log(`scenario -> ${scenario}`);
  }
  for (;;) {
    await sleep(10_000);
    const stats = (await (await fetch(`${pipelineUrls(layout).loadgen}/stats?window=10`)).json()) as {
      scenario: string;
      inFlight: number;
      window: { count: number; p90Ms: number | null };
    };
    console.log(
      `${new Date().toISOString().slice(11, 19)} ${stats.scenario}: client p90 ${stats.window.p90Ms ?? '-'} ms over ${stats.window.count} requests, ${stats.inFlight} in flight`,
    );
  }
} catch (err) {
  // While stopping, the status line's fetch fails as the pipeline goes away: not an error.
  if (stoppingAt === 0) {
    console.error(`demo: ${(err as Error).message}`);
    await stopAll(1);
  }
}
