import { describe, expect, it } from 'vitest';
import { analyze } from './analyze';
import { deriveEvents, fingerprint } from './derive-events';
import { scenarioObservations } from './fixtures';
import type { Snapshot } from '../contracts/snapshot';

const steady = analyze(scenarioObservations.steady);
const starving = analyze(scenarioObservations.replyStarvation);
const saturated = analyze(scenarioObservations.mlSaturation);
const at = (s: Snapshot, iso: string): Snapshot => ({ ...s, generatedAt: iso });

describe('deriveEvents', () => {
  it('reports the bottleneck and the SLO breach appearing, moving and clearing', () => {
    expect(deriveEvents(steady, at(starving, '2026-11-22T09:42:00.000Z')).map((e) => [e.kind, e.stageId])).toEqual([
      ['bottleneck-appeared', 'reply-consumers'],
      ['slo-breach-began', null],
      ['queue-above-threshold', 'reply-queue'],
    ]);
    // The saturated fixture's request queue (150) is over its threshold, the reply queue (0) far under.
    expect(deriveEvents(starving, saturated).map((e) => [e.kind, e.stageId])).toEqual([
      ['bottleneck-moved', 'ml-workers'],
      ['queue-above-threshold', 'request-queue'],
      ['queue-below-threshold', 'reply-queue'],
    ]);
    expect(deriveEvents(starving, steady).map((e) => e.kind)).toEqual([
      'bottleneck-cleared',
      'slo-breach-ended',
      'queue-below-threshold',
    ]);
    expect(deriveEvents(steady, steady)).toEqual([]);
    expect(deriveEvents(steady, at(starving, '2026-11-22T09:42:00.000Z'))[0]!.at).toBe('2026-11-22T09:42:00.000Z');
  });

  it('reports sources going down and coming back, and worker counts changed anywhere', () => {
    const down: Snapshot = {
      ...steady,
      sources: { ...steady.sources, nomad: { status: 'stale', lastOkAt: null, error: 'Nomad: timed out after 2 s' } },
    };
    expect(deriveEvents(steady, down)).toEqual([
      expect.objectContaining({ kind: 'source-down', message: 'nomad stale: Nomad: timed out after 2 s' }),
    ]);
    expect(deriveEvents(down, steady).map((e) => e.kind)).toEqual(['source-up']);
    const scaled: Snapshot = {
      ...steady,
      stages: steady.stages.map((s) =>
        s.workers && s.id === 'reply-consumers' ? { ...s, workers: { ...s.workers, desired: 30 } } : s,
      ),
    };
    expect(deriveEvents(steady, scaled)).toEqual([
      expect.objectContaining({
        kind: 'workers-changed',
        stageId: 'reply-consumers',
        message: 'Reply consumers: desired workers 3 -> 30 (api/reply-consumer).',
      }),
    ]);
  });

  it('with no previous snapshot reports only what is wrong now', () => {
    expect(deriveEvents(null, steady)).toEqual([]);
    expect(deriveEvents(null, starving).map((e) => e.kind)).toEqual([
      'bottleneck-appeared',
      'slo-breach-began',
      'queue-above-threshold',
    ]);
    // A source that is not answering at the first record ever is wrong now too: without it, the
    // timeline would later say it came back without having said it went.
    const brokerDown: Snapshot = {
      ...steady,
      sources: {
        ...steady.sources,
        rabbitmq: { status: 'down', lastOkAt: null, error: 'RabbitMQ: connection refused' },
      },
    };
    expect(deriveEvents(null, brokerDown)).toEqual([
      expect.objectContaining({ kind: 'source-down', message: 'rabbitmq down: RabbitMQ: connection refused' }),
    ]);
    const back = deriveEvents(brokerDown, steady);
    expect(back.map((e) => e.kind)).toEqual(['source-up']);
  });

  it('reports a queue crossing its depth threshold once, and back only under half of it', () => {
    const withReply = (ready: number): Snapshot => ({
      ...steady,
      stages: steady.stages.map((s) =>
        s.id === 'reply-queue' && s.queue ? { ...s, queue: { ...s.queue, ready } } : s,
      ),
    });
    const above = new Set<string>();
    const kinds = [10, 51, 49, 60, 30, 25, 70].map((ready, i, all) =>
      deriveEvents(i === 0 ? null : withReply(all[i - 1]!), withReply(ready), above).map((e) => `${ready}:${e.kind}`),
    );
    expect(kinds.flat()).toEqual(['51:queue-above-threshold', '25:queue-below-threshold', '70:queue-above-threshold']);
    expect(deriveEvents(withReply(10), withReply(51), new Set())[0]!.message).toBe(
      'Reply queue crossed its depth threshold: 51 ready (threshold 50), 3 consumers.',
    );
  });
});

describe('fingerprint', () => {
  it('ignores the timestamp and rate jitter below 0.1, but not a changed count', () => {
    const later = { ...steady, generatedAt: '2030-01-01T00:00:00.000Z' };
    expect(fingerprint(later)).toBe(fingerprint(steady));
    const jitter: Snapshot = {
      ...steady,
      stages: steady.stages.map((s) => (s.queue ? { ...s, queue: { ...s.queue, growthPerSec: 0.001 } } : s)),
    };
    expect(fingerprint(jitter)).toBe(fingerprint(steady));
    const deeper: Snapshot = {
      ...steady,
      stages: steady.stages.map((s) => (s.queue ? { ...s, queue: { ...s.queue, ready: s.queue.ready + 5 } } : s)),
    };
    expect(fingerprint(deeper)).not.toBe(fingerprint(steady));
  });
});
