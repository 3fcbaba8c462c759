import { describe, expect, it } from 'vitest';
import { inferenceMeanMs, replyHandlingMeanMs } from '../lib/costs';
import { parseScenarioName, pickRequestType, rateAt, scenarioNames, scenarios } from './scenarios';

const defaultReplyConsumers = 3;
const defaultMlWorkers = 10;
const replyCapacityPerSec = (defaultReplyConsumers * 1000) / replyHandlingMeanMs;

function mlUtilisation(name: keyof typeof scenarios): number {
  const s = scenarios[name];
  const meanInferenceMs = s.mix['face-match'] * inferenceMeanMs['face-match'] + s.mix.ocr * inferenceMeanMs.ocr;
  return (s.ratePerSec * meanInferenceMs) / 1000 / defaultMlWorkers;
}

describe('scenarios', () => {
  it.each(scenarioNames)('%s has a mix that sums to 1', (name) => {
    const { mix } = scenarios[name];
    expect(mix['face-match'] + mix.ocr).toBeCloseTo(1, 9);
  });

  // The scenarios are only meaningful if each loads the stage it names, with the default deployment.
  it('steady stays well within both stages', () => {
    expect(mlUtilisation('steady')).toBeLessThan(0.5);
    expect(scenarios.steady.ratePerSec).toBeLessThan(0.5 * replyCapacityPerSec);
  });
  it('reply-starvation exceeds the reply consumers while the ML workers keep headroom', () => {
    expect(scenarios['reply-starvation'].ratePerSec).toBeGreaterThan(1.2 * replyCapacityPerSec);
    expect(mlUtilisation('reply-starvation')).toBeLessThan(0.8);
  });
  it('ml-saturation exceeds the ML workers, and what they pass on stays within the reply consumers', () => {
    expect(mlUtilisation('ml-saturation')).toBeGreaterThan(1.1);
    const mlThroughputPerSec = scenarios['ml-saturation'].ratePerSec / mlUtilisation('ml-saturation');
    expect(mlThroughputPerSec).toBeLessThan(0.8 * replyCapacityPerSec);
  });
  it('gpu-underused keeps the workers busy within capacity on both stages', () => {
    expect(mlUtilisation('gpu-underused')).toBeGreaterThan(0.6);
    expect(mlUtilisation('gpu-underused')).toBeLessThan(0.85);
    expect(scenarios['gpu-underused'].ratePerSec).toBeLessThan(0.7 * replyCapacityPerSec);
  });

  it('growing-traffic climbs past the reply consumers and keeps climbing, while the ML workers keep headroom', () => {
    const g = scenarios['growing-traffic'];
    expect(rateAt(g, 0)).toBeLessThan(replyCapacityPerSec);
    expect(rateAt(g, 60_000)).toBeGreaterThan(replyCapacityPerSec);
    expect(rateAt(g, 60_000)).toBeLessThan(rateAt(g, 120_000));
    // Its plateau: a fix sized for the first minute's rate (about 14/s) would run at over 90%.
    const plateau = rateAt(g, 3_600_000);
    expect(plateau).toBe(g.ramp!.maxRatePerSec);
    const consumersForFirstMinute = Math.ceil(rateAt(g, 60_000) / (replyCapacityPerSec / defaultReplyConsumers) / 0.7);
    expect(plateau / ((consumersForFirstMinute * replyCapacityPerSec) / defaultReplyConsumers)).toBeGreaterThan(0.9);
    expect((plateau * mlUtilisation('growing-traffic')) / g.ratePerSec).toBeLessThan(0.8);
    expect(rateAt(scenarios.steady, 3_600_000)).toBe(scenarios.steady.ratePerSec);
  });

  it('parses known names and names the choices for an unknown one', () => {
    expect(parseScenarioName('steady')).toBe('steady');
    expect(() => parseScenarioName('chaos')).toThrow(
      /unknown scenario "chaos"; expected one of: steady, reply-starvation/,
    );
    expect(() => parseScenarioName(42)).toThrow(/unknown scenario 42/);
  });

  it.each([
    [0, 'face-match'],
    [0.79, 'face-match'],
    [0.8, 'ocr'],
    [0.999, 'ocr'],
  ])('picks by cumulative share: draw %d -> %s', (draw, expected) => {
    expect(pickRequestType({ 'face-match': 0.8, ocr: 0.2 }, draw)).toBe(expected);
  });
});
