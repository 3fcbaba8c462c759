import type { RequestType } from '../lib/amqp';

/**
 * Named traffic scenarios. With the default deployment (10 ML workers, 3 reply consumers taking
 * about 250 ms a reply, so 12 replies/s between them) and inference of 250 ms (face match) and
 * 1200 ms (OCR), each scenario loads one part of the pipeline:
 *  - steady: 4 req/s; ML workers ~18% busy, reply consumers ~33%.
 *  - reply-starvation: traffic grows to 16 req/s; ML workers ~70% busy with room to spare, but
 *    the 3 reply consumers can drain only ~12/s, so the reply queue grows by ~4/s (the source
 *    incident).
 *  - ml-saturation: 10 req/s of OCR only; the ML workers can do ~8.3/s and their queue grows,
 *    while the reply consumers keep up.
 *  - gpu-underused: 7 req/s, mostly OCR; workers ~70% busy, but each simulated GPU runs one
 *    worker and stays near 15%: room to pack more workers per GPU.
 *  - growing-traffic: the source incident as it happened, traffic that keeps climbing: 10 req/s
 *    rising by 3 req/s every minute to 20 req/s (reached after 3 min 20 s), mostly face match.
 *    The 3 reply consumers fall behind after about 40 s; a fix sized for the rate of that moment
 *    (13/s: 5 consumers, 20/s between them) would run at 100% once it plateaus, one sized for the
 *    trend holds. The ML workers stay under 70% busy throughout.
 */
export interface Scenario {
  name: ScenarioName;
  ratePerSec: number;
  /** Share of requests by type; sums to 1. */
  mix: Record<RequestType, number>;
  description: string;
  /** Traffic that grows: this many requests per second more every minute, up to `maxRatePerSec`. */
  ramp?: { perSecPerMin: number; maxRatePerSec: number };
}

export const scenarioNames = [
  'steady',
  'reply-starvation',
  'ml-saturation',
  'gpu-underused',
  'growing-traffic',
  'idle',
] as const;
export type ScenarioName = (typeof scenarioNames)[number];

export const scenarios: Record<ScenarioName, Scenario> = {
  steady: {
    name: 'steady',
    ratePerSec: 4,
    mix: { 'face-match': 0.8, ocr: 0.2 },
    description: 'well within capacity',
  },
  'reply-starvation': {
    name: 'reply-starvation',
    ratePerSec: 16,
    mix: { 'face-match': 0.8, ocr: 0.2 },
    description: 'traffic grows past what 3 reply consumers can drain; ML workers keep headroom',
  },
  'ml-saturation': {
    name: 'ml-saturation',
    ratePerSec: 10,
    mix: { 'face-match': 0, ocr: 1 },
    description: 'OCR-heavy traffic exceeds what the ML workers can process',
  },
  'gpu-underused': {
    name: 'gpu-underused',
    ratePerSec: 7,
    mix: { 'face-match': 0.2, ocr: 0.8 },
    description: 'workers busy, but one worker per GPU leaves each GPU mostly idle',
  },
  'growing-traffic': {
    name: 'growing-traffic',
    ratePerSec: 10,
    mix: { 'face-match': 0.9, ocr: 0.1 },
    description: 'traffic keeps climbing (10 -> 20 req/s over 3 min 20 s), as in the source incident',
    ramp: { perSecPerMin: 3, maxRatePerSec: 20 },
  },
  idle: {
    name: 'idle',
    ratePerSec: 0,
    mix: { 'face-match': 1, ocr: 0 },
    description: 'no traffic',
  },
};

/** The scenario's request rate `elapsedMs` after it began. */
export function rateAt(s: Scenario, elapsedMs: number): number {
  if (!s.ramp) return s.ratePerSec;
  return Math.min(s.ramp.maxRatePerSec, s.ratePerSec + (s.ramp.perSecPerMin * Math.max(0, elapsedMs)) / 60_000);
}

export function parseScenarioName(value: unknown): ScenarioName {
  if (typeof value === 'string' && (scenarioNames as readonly string[]).includes(value)) return value as ScenarioName;
  throw new Error(`unknown scenario ${JSON.stringify(value)}; expected one of: ${scenarioNames.join(', ')}`);
}

/** Picks a request type from the scenario's mix with one uniform draw. */
export function pickRequestType(mix: Record<RequestType, number>, draw: number): RequestType {
  let cumulative = 0;
  for (const [type, share] of Object.entries(mix) as Array<[RequestType, number]>) {
    cumulative += share;
    if (draw < cumulative) return type;
  }
  return 'face-match';
}
