import http from 'node:http';
import { parseArgs } from 'node:util';
import { Counter, Gauge, Histogram } from 'prom-client';
import type { RequestType } from '../lib/amqp';
import { onceStopSignal } from '../lib/env';
import { log } from '../lib/log';
import { createRegistry, latencyBucketsSeconds, metricsHandler } from '../lib/metrics-server';
import { sampleArrivalGapMs, sleep } from '../lib/timing';
import { LatencyWindow } from './latency-window';
import { parseScenarioName, pickRequestType, rateAt, scenarios, type ScenarioName } from './scenarios';

/**
 * The client SDK: sends real HTTP requests to the API as a Poisson process at the scenario's
 * rate, measures each one end to end, and serves a control endpoint to switch scenario while
 * running (GET/PUT /scenario) and read its own percentiles (GET /stats?window=20).
 */
const { values: args } = parseArgs({
  options: {
    scenario: { type: 'string', default: 'steady' },
    api: { type: 'string', default: process.env.API_URL },
    port: { type: 'string', default: process.env.LOADGEN_PORT },
  },
});
if (!args.api || !args.port) throw new Error('loadgen needs --api URL and --port N (or API_URL, LOADGEN_PORT)');
const apiUrl = args.api;
const port = Number(args.port);
let scenario: ScenarioName = parseScenarioName(args.scenario);
let scenarioSince = Date.now();

const paths: Record<RequestType, string> = { 'face-match': '/v1/face-match', ocr: '/v1/ocr' };
const registry = createRegistry({ stage: 'client' });
const clientSeconds = new Histogram({
  name: 'demo_client_request_duration_seconds',
  help: 'End-to-end request duration measured by the client',
  labelNames: ['request_type', 'outcome'],
  buckets: latencyBucketsSeconds,
  registers: [registry],
});
const sentTotal = new Counter({
  name: 'demo_client_requests_sent_total',
  help: 'Requests sent',
  registers: [registry],
});
let inFlight = 0;
new Gauge({
  name: 'demo_client_requests_in_flight',
  help: 'Requests sent and not yet answered',
  registers: [registry],
  collect() {
    this.set(inFlight);
  },
});
const totals = { sent: 0, ok: 0, failed: 0 };
const window = new LatencyWindow(5 * 60_000);

async function sendOne(type: RequestType): Promise<void> {
  const startedMs = Date.now();
  totals.sent++;
  sentTotal.inc();
  inFlight++;
  let ok = false;
  try {
    const res = await fetch(`${apiUrl}${paths[type]}`, { method: 'POST', signal: AbortSignal.timeout(180_000) });
    await res.arrayBuffer();
    ok = res.ok;
  } catch {
    ok = false;
  } finally {
    inFlight--;
  }
  const latencyMs = Date.now() - startedMs;
  if (ok) totals.ok++;
  else totals.failed++;
  clientSeconds.observe({ request_type: type, outcome: ok ? 'ok' : 'error' }, latencyMs / 1000);
  window.record({ doneAtMs: Date.now(), latencyMs, ok });
}

let running = true;
async function generate(): Promise<void> {
  while (running) {
    const current = scenarios[scenario];
    const ratePerSec = rateAt(current, Date.now() - scenarioSince);
    if (ratePerSec <= 0) {
      await sleep(200);
      continue;
    }
    await sleep(sampleArrivalGapMs(ratePerSec));
    if (!running) break;
    void sendOne(pickRequestType(current.mix, Math.random()));
  }
}

function sendJson(res: http.ServerResponse, status: number, body: unknown): void {
  res.statusCode = status;
  res.setHeader('content-type', 'application/json');
  res.end(JSON.stringify(body));
}

function describe() {
  return {
    scenario,
    since: new Date(scenarioSince).toISOString(),
    ...scenarios[scenario],
    currentRatePerSec: rateAt(scenarios[scenario], Date.now() - scenarioSince),
  };
}

const serveMetrics = metricsHandler(registry);
const server = http.createServer(async (req, res) => {
  const url = new URL(req.url ?? '/', 'http://loadgen');
  if (url.pathname === '/metrics') return void serveMetrics(res);
  if (url.pathname === '/scenario' && req.method === 'GET') return sendJson(res, 200, describe());
  if (url.pathname === '/scenario' && (req.method === 'PUT' || req.method === 'POST')) {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    try {
      const body = JSON.parse(Buffer.concat(chunks).toString() || '{}') as { name?: unknown };
      scenario = parseScenarioName(body.name);
      scenarioSince = Date.now();
      log('loadgen', `scenario -> ${scenario}`);
      return sendJson(res, 200, describe());
    } catch (err) {
      return sendJson(res, 400, { error: (err as Error).message });
    }
  }
  if (url.pathname === '/stats') {
    const windowSec = Number(url.searchParams.get('window') ?? '20');
    if (!Number.isFinite(windowSec) || windowSec <= 0 || windowSec > 300) {
      return sendJson(res, 400, { error: 'window must be a number of seconds between 0 and 300' });
    }
    return sendJson(res, 200, { ...describe(), totals, inFlight, window: window.stats(Date.now(), windowSec) });
  }
  sendJson(res, 404, { error: `no route ${req.method} ${url.pathname}` });
});
server.listen(port, '127.0.0.1', () => log('loadgen', `control on :${port}, scenario ${scenario}, target ${apiUrl}`));
void generate();

const signal = await onceStopSignal();
log('loadgen', `${signal}: stopping`);
running = false;
server.close();
process.exit(0);
