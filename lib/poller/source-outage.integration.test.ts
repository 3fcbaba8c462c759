import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stackLayout, startPrometheus, startRabbit, stopPrometheus, stopRabbit } from '../../scripts/stack';
import { readPid } from '../../scripts/stack/processes';
import { pipelineProcesses, setScenario } from '../../scripts/stack/pipeline';
import { resetPipeline, topology, waitFor } from '../../scripts/testing/demo-client';
import type { SourceName } from '../contracts/snapshot';

/**
 * A dead source degrades its own numbers only: it is marked stale within two poll intervals
 * (5 s each here), the other sources stay ok and keep updating, and it recovers by itself.
 */
const layout = stackLayout('test');
const pollMs = 5000;

beforeAll(async () => {
  await resetPipeline(layout);
  await setScenario(layout, 'steady');
});
afterAll(async () => {
  await startRabbit(layout);
  await startPrometheus(layout);
  const nomad = readPid(pipelineProcesses(layout).nomad);
  if (nomad) process.kill(nomad, 'SIGCONT');
  await resetPipeline(layout);
});

async function expectOutage(source: SourceName, stop: () => Promise<void>, start: () => Promise<void>) {
  await waitFor(
    () => topology(layout),
    (s) => s.sources[source].status === 'ok',
    30_000,
    `${source} ok before the outage`,
  );
  await stop();
  const stoppedAtMs = Date.now();
  const degraded = await waitFor(
    () => topology(layout),
    (s) => s.sources[source].status !== 'ok',
    2 * pollMs + 1000,
    `${source} marked stale`,
    250,
  );
  const markedAfterMs = Date.now() - stoppedAtMs;
  expect(degraded.sources[source].error).toBeTruthy();
  expect(degraded.sources[source].lastOkAt).not.toBeNull();
  // The rest of the page stays live: other sources ok, snapshots still coming.
  for (const other of (['rabbitmq', 'prometheus', 'nomad'] as SourceName[]).filter((s) => s !== source)) {
    expect(degraded.sources[other].status, other).toBe('ok');
  }
  const later = await waitFor(
    () => topology(layout),
    (s) => s.generatedAt > degraded.generatedAt,
    5000,
    'a newer snapshot',
  );
  expect(later.stages.length).toBe(degraded.stages.length);
  await start();
  await waitFor(
    () => topology(layout),
    (s) => s.sources[source].status === 'ok',
    60_000,
    `${source} to recover`,
    500,
  );
  return markedAfterMs;
}

describe('a source going down and coming back', () => {
  it('Prometheus', async () => {
    const ms = await expectOutage(
      'prometheus',
      () => stopPrometheus(layout),
      () => startPrometheus(layout),
    );
    expect(ms).toBeLessThanOrEqual(2 * pollMs + 1000);
  });

  it('RabbitMQ', async () => {
    const ms = await expectOutage(
      'rabbitmq',
      () => stopRabbit(layout),
      () => startRabbit(layout),
    );
    expect(ms).toBeLessThanOrEqual(2 * pollMs + 1000);
  });

  it('the Nomad stand-in (frozen with SIGSTOP: killing it would take its allocations with it)', async () => {
    const pid = readPid(pipelineProcesses(layout).nomad)!;
    const ms = await expectOutage(
      'nomad',
      async () => void process.kill(pid, 'SIGSTOP'),
      async () => void process.kill(pid, 'SIGCONT'),
    );
    expect(ms).toBeLessThanOrEqual(2 * pollMs + 1000);
  });
});
