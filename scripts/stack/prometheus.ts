import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { ensureDir, type StackLayout } from './paths';
import { httpOk, managed, runningPid, startDetached, stopManaged, waitUntilReady } from './processes';

export function prometheusProcess(layout: StackLayout) {
  return managed(layout.stateDir, 'prometheus');
}

export function prometheusUrl(layout: StackLayout): string {
  return `http://127.0.0.1:${layout.ports.prometheus}`;
}

/** Where the Nomad stand-in writes file_sd target lists for the allocations it runs. */
export function prometheusTargetsDir(layout: StackLayout): string {
  return ensureDir(path.join(layout.stateDir, 'prometheus', 'targets'));
}

/**
 * Scrapes every 2 s: the demo compresses an incident into minutes, and a 15 s default would hide
 * the first half-minute of it. RabbitMQ is scraped on the plugin's detailed endpoint, which is far
 * cheaper than per-object metrics on a large broker.
 */
export function prometheusConfig(layout: StackLayout): string {
  const targets = prometheusTargetsDir(layout);
  return `global:
  scrape_interval: 2s
  evaluation_interval: 2s
scrape_configs:
  - job_name: rabbitmq
    metrics_path: /metrics/detailed
    params:
      family: [queue_coarse_metrics, queue_consumer_count]
    static_configs:
      - targets: ['127.0.0.1:${layout.ports.rabbitPrometheus}']
  - job_name: demo
    file_sd_configs:
      - files: ['${targets}/*.json']
        refresh_interval: 5s
`;
}

export async function startPrometheus(layout: StackLayout): Promise<void> {
  const proc = prometheusProcess(layout);
  const ready = () => httpOk(`${prometheusUrl(layout)}/-/ready`);
  const dir = ensureDir(path.join(layout.stateDir, 'prometheus'));
  const configFile = path.join(dir, 'prometheus.yml');
  writeFileSync(configFile, prometheusConfig(layout));
  if (runningPid(proc) === null) {
    startDetached(proc, 'prometheus', [
      `--config.file=${configFile}`,
      `--storage.tsdb.path=${ensureDir(path.join(dir, 'data'))}`,
      `--web.listen-address=127.0.0.1:${layout.ports.prometheus}`,
      '--storage.tsdb.retention.time=2d',
      '--web.enable-lifecycle',
    ]);
  }
  await waitUntilReady(proc, ready, 30_000);
}

export async function stopPrometheus(layout: StackLayout): Promise<void> {
  await stopManaged(prometheusProcess(layout), 10_000, 'SIGTERM', [layout.ports.prometheus]);
}
