import {
  startDashboard,
  startPipeline,
  startStack,
  stopDashboard,
  stopPipeline,
  stopStack,
  stackLayout,
  type StackProfile,
} from './stack';
import { parseScenarioName } from '../demo/loadgen/scenarios';

/**
 * `npm run stack -- <up|pipeline|dashboard|down> [demo|test] [scenario]`: the local servers alone
 * (up), the servers plus the demo pipeline (pipeline), the built dashboard (dashboard), or stop
 * everything this profile started (down).
 */
const [command = 'up', profileArg = 'demo', scenarioArg = 'steady'] = process.argv.slice(2);
const profile = profileArg as StackProfile;
if (profile !== 'demo' && profile !== 'test') {
  console.error(`unknown profile "${profileArg}": expected demo or test`);
  process.exit(2);
}
if (command === 'up' || command === 'pipeline') {
  const layout = await startStack(profile, { postgres: true });
  console.log(`stack "${profile}" up; state in ${layout.stateDir}`);
  if (command === 'pipeline') console.log(await startPipeline(layout, { scenario: parseScenarioName(scenarioArg) }));
  console.log(JSON.stringify(layout.ports, null, 2));
} else if (command === 'dashboard') {
  // (Re)starts the built dashboard against this profile's stack.
  const layout = stackLayout(profile);
  await stopDashboard(layout);
  console.log(`dashboard on ${await startDashboard(layout)}`);
} else if (command === 'down') {
  await stopDashboard(stackLayout(profile));
  await stopPipeline(stackLayout(profile));
  await stopStack(profile);
  console.log(`stack "${profile}" stopped`);
} else {
  console.error(`unknown command "${command}": expected up, pipeline, dashboard or down`);
  process.exit(2);
}
