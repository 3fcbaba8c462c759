import http from 'node:http';
import { Registry, collectDefaultMetrics } from 'prom-client';

/**
 * Every demo process serves its prom-client registry on /metrics. Latency histograms share
 * buckets wide enough for a starved queue (up to 2 minutes), fine enough near the 3 s SLO.
 */
export const latencyBucketsSeconds = [
  0.05, 0.1, 0.2, 0.3, 0.4, 0.5, 0.75, 1, 1.25, 1.5, 1.75, 2, 2.5, 3, 4, 5, 7.5, 10, 15, 20, 30, 45, 60, 90, 120,
];

export function createRegistry(labels: Record<string, string>): Registry {
  const registry = new Registry();
  registry.setDefaultLabels(labels);
  collectDefaultMetrics({ register: registry });
  return registry;
}

export function metricsHandler(registry: Registry) {
  return async (res: http.ServerResponse) => {
    res.setHeader('content-type', registry.contentType);
    res.end(await registry.metrics());
  };
}

/** A process whose only HTTP surface is /metrics and /healthz. */
export function serveMetrics(registry: Registry, port: number): http.Server {
  const serve = metricsHandler(registry);
  const server = http.createServer((req, res) => {
    if (req.url === '/metrics') return void serve(res);
    if (req.url === '/healthz') return void res.end('ok');
    res.statusCode = 404;
    res.end('not found');
  });
  server.listen(port, '127.0.0.1');
  return server;
}
