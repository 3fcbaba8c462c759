import { existsSync } from 'node:fs';
import path from 'node:path';
import {
  buildDashboard,
  pipelineProcesses,
  repoRoot,
  startDashboard,
  startPipeline,
  startStack,
  stackLayout,
  stopDashboard,
  stopPipeline,
  stopStack,
} from '../stack';
import { runningPid } from '../stack/processes';
import { rabbitProcesses } from '../stack/rabbitmq';

/**
 * Starts the test profile's stack, demo pipeline and dashboard unless they already run
 * (scripts/run-tests.ts starts them once for every project), and stops at teardown only what this
 * setup started.
 */
export default async function setup() {
  const layout = stackLayout('test');
  const wasRunning =
    runningPid(rabbitProcesses(layout).rabbit) !== null && runningPid(pipelineProcesses(layout).nomad) !== null;
  await startStack('test', { postgres: true });
  await startPipeline(layout, { scenario: 'steady' });
  if (!existsSync(path.join(repoRoot, '.next', 'BUILD_ID'))) buildDashboard();
  await startDashboard(layout);
  return async () => {
    if (wasRunning) return;
    await stopDashboard(layout);
    await stopPipeline(layout);
    await stopStack('test');
  };
}
