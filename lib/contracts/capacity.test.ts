import { describe, expect, it } from 'vitest';
import { CapacityPlan, CapacityQuery, CapacityStage } from './capacity';

const stage: CapacityStage = {
  stageId: 'reply-consumers',
  label: 'Reply consumers',
  perWorkerPerSec: 4,
  basis: 'measured',
  saturated: true,
  loadRatio: 1,
  loadRatioAssumed: false,
  loadPerSec: 40,
  currentWorkers: 3,
  neededWorkers: 15,
  delta: 12,
  explanation: '12/s delivered over 3 workers',
};
const plan: CapacityPlan = {
  pipeline: 'kyc-api',
  generatedAt: '2026-11-22T09:42:00.000Z',
  requestsPerSec: 40,
  entranceRatePerSec: 16,
  entranceStageId: 'request-queue',
  targetUtilisation: 0.7,
  stages: [stage],
};

describe('CapacityPlan', () => {
  it('parses a plan unchanged', () => {
    expect(CapacityPlan.parse(plan)).toEqual(plan);
  });

  const nullable = {
    plan: ['entranceRatePerSec', 'entranceStageId'],
    stage: ['perWorkerPerSec', 'saturated', 'currentWorkers', 'neededWorkers', 'delta'],
  };
  it.each(Object.keys(plan).filter((k) => k !== 'stages'))('plan.%s is required, null only where it may be', (key) => {
    const without: Record<string, unknown> = { ...plan };
    delete without[key];
    expect(CapacityPlan.safeParse(without).success).toBe(false);
    expect(CapacityPlan.safeParse({ ...plan, [key]: null }).success).toBe(nullable.plan.includes(key));
  });
  it.each(Object.keys(stage))('stages.0.%s is required, null only where it may be', (key) => {
    const without: Record<string, unknown> = { ...stage };
    delete without[key];
    expect(CapacityPlan.safeParse({ ...plan, stages: [without] }).success).toBe(false);
    expect(CapacityPlan.safeParse({ ...plan, stages: [{ ...stage, [key]: null }] }).success).toBe(
      nullable.stage.includes(key),
    );
  });

  it('names every field of the schema in the examples', () => {
    expect(Object.keys(CapacityPlan.shape).sort()).toEqual(Object.keys(plan).sort());
    expect(Object.keys(CapacityStage.shape).sort()).toEqual(Object.keys(stage).sort());
  });
});

describe('CapacityQuery', () => {
  it('CapacityQuery coerces rps to a number of requests per second, more than 0 and at most 100000', () => {
    for (const [rps, want] of [
      ['0.5', 0.5],
      ['16', 16],
      ['1e3', 1000],
      ['100000', 100_000],
    ] as const)
      expect(CapacityQuery.parse({ rps, other: 'x' }), rps).toEqual({ rps: want });
    const notANumber = 'query parameter "rps" must be a number of requests per second';
    const notPositive = 'query parameter "rps" must be more than 0';
    for (const [query, message] of [
      [{}, notANumber],
      [{ rps: 'ten' }, notANumber],
      [{ rps: 'NaN' }, notANumber],
      [{ rps: 'Infinity' }, notANumber],
      [{ rps: '' }, notPositive],
      [{ rps: '0' }, notPositive],
      [{ rps: '-3' }, notPositive],
      [{ rps: '100000.5' }, 'query parameter "rps" must be at most 100000'],
    ] as const)
      expect(
        CapacityQuery.safeParse(query).error?.issues.map((i) => i.message),
        JSON.stringify(query),
      ).toEqual([message]);
  });
});
