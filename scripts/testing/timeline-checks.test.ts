import { describe, expect, it } from 'vitest';
import { repeatedStates } from './timeline-checks';

const e = (kind: string, stageId: string | null = null, message = '') => ({ kind, stageId, message });

describe('repeatedStates', () => {
  it('accepts a story that alternates, a moved bottleneck included', () => {
    expect(
      repeatedStates([
        e('bottleneck-appeared', 'a'),
        e('bottleneck-moved', 'b'),
        e('queue-above-threshold', 'q'),
        e('queue-above-threshold', 'r'),
        e('source-down', null, 'rabbitmq down: x'),
        e('source-down', null, 'nomad down: y'),
        e('source-up', null, 'rabbitmq answering again.'),
        e('queue-below-threshold', 'q'),
        e('bottleneck-cleared', 'b'),
      ]),
    ).toEqual([]);
  });

  it('names every state said twice', () => {
    expect(
      repeatedStates([
        e('bottleneck-appeared', 'a'),
        e('bottleneck-appeared', 'a'),
        e('queue-above-threshold', 'q'),
        e('queue-above-threshold', 'q'),
        e('source-down', null, 'prometheus down: x'),
        e('source-down', null, 'prometheus stale: y'),
        e('bottleneck-moved', 'b'),
        e('bottleneck-cleared', 'b'),
        e('bottleneck-cleared', 'b'),
      ]),
    ).toEqual(['bottleneck-appeared a', 'queue-above-threshold q', 'source-down prometheus', 'bottleneck-cleared b']);
  });
});
