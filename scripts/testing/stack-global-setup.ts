import { startStack, stackLayout, stopStack } from '../stack';
import { runningPid } from '../stack/processes';
import { pipelineProcesses, startPipeline, stopPipeline } from '../../demo/pipeline';
import { rabbitProcesses } from '../stack/rabbitmq';

/**
 * Starts the test profile's stack and demo pipeline unless they already run (scripts/run-tests.ts
 * starts them once for every project), and stops at teardown only what this setup started.
 */
export default async function setup() {
  const layout = stackLayout('test');
  const wasRunning =
    runningPid(rabbitProcesses(layout).rabbit) !== null && runningPid(pipelineProcesses(layout).nomad) !== null;
  await startStack('test', { postgres: true });
  await startPipeline(layout, { scenario: 'steady' });
  return async () => {
    if (wasRunning) return;
    await stopPipeline(layout);
    await stopStack('test');
  };
}
