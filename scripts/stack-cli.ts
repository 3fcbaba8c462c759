import { parseArgs } from 'node:util';
import {
  maxDashboardReplicas,
  startDashboard,
  startPipeline,
  startStack,
  stopDashboard,
  stopPipeline,
  stopStack,
  stackLayout,
  type DashboardDatabase,
  type StackProfile,
} from './stack';
import { parseScenarioName } from '../demo/loadgen/scenarios';

/**
 * `npm run stack -- <up|pipeline|dashboard|down> [demo|test] [scenario] [--replicas N]
 * [--database pglite|postgres]`: the local servers alone (up), the servers plus the demo pipeline
 * (pipeline), the built dashboard (dashboard: N replicas on one PostgreSQL database, or one on
 * PGlite unless told), or stop everything this profile started (down).
 */
const { values: flags, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    replicas: { type: 'string', default: '1' },
    database: { type: 'string' },
  },
});
const [command = 'up', profileArg = 'demo', scenarioArg = 'steady'] = positionals;
const profile = profileArg as StackProfile;
if (profile !== 'demo' && profile !== 'test') {
  console.error(`unknown profile "${profileArg}": expected demo or test`);
  process.exit(2);
}
const replicas = Number(flags.replicas);
if (!Number.isInteger(replicas) || replicas < 1 || replicas > maxDashboardReplicas) {
  console.error(`--replicas must be a whole number from 1 to ${maxDashboardReplicas}, got "${flags.replicas}"`);
  process.exit(2);
}
const database = flags.database as DashboardDatabase | undefined;
if (database !== undefined && database !== 'pglite' && database !== 'postgres') {
  console.error(`--database must be pglite or postgres, got "${flags.database}"`);
  process.exit(2);
}
if (command === 'up' || command === 'pipeline') {
  const layout = await startStack(profile, { postgres: true });
  console.log(`stack "${profile}" up; state in ${layout.stateDir}`);
  if (command === 'pipeline') console.log(await startPipeline(layout, { scenario: parseScenarioName(scenarioArg) }));
  console.log(JSON.stringify(layout.ports, null, 2));
} else if (command === 'dashboard') {
  // (Re)starts the built dashboard against this profile's stack, every replica of an earlier start stopped first.
  const layout = stackLayout(profile);
  await stopDashboard(layout);
  const urls = await startDashboard(layout, { replicas, database });
  urls.forEach((url, i) => console.log(`dashboard ${i === 0 ? '' : `replica ${i + 1} `}on ${url}`));
} else if (command === 'down') {
  await stopDashboard(stackLayout(profile));
  await stopPipeline(stackLayout(profile));
  await stopStack(profile);
  console.log(`stack "${profile}" stopped`);
} else {
  console.error(`unknown command "${command}": expected up, pipeline, dashboard or down`);
  process.exit(2);
}
