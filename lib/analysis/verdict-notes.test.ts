import { describe, expect, it } from 'vitest';
import type { QueueVerdict } from '../contracts/snapshot';
import { verdictNotes } from './verdict-notes';

const calm: QueueVerdict = {
  drainSeconds: null,
  headAgeMs: 12_000,
  headAgeEstimated: false,
  consumerCapacity: 0.2,
  unackedLimit: 30,
  saturation: 'saturated',
  redeliveredShare: 0.02,
  summary: 'grows',
};

describe('notes the bottleneck queue adds to its recommendation', () => {
  it.each([
    ['a saturated queue with nothing else wrong', calm, []],
    ['no verdict (older snapshot)', undefined, []],
    [
      'a message failing in a loop',
      { ...calm, redeliveredShare: 0.4 },
      [/^40% of the deliveries from Replies are redeliveries: .*more consumers will not clear/],
    ],
    [
      'shedding at the length limit',
      {
        ...calm,
        limit: {
          maxLength: 1000,
          maxLengthBytes: null,
          overflow: 'reject-publish',
          fullPct: 100,
          shedding: true,
          shedPerSec: 4,
        },
      },
      [/^Replies is at its length limit \(reject-publish\) and sheds about 4/],
    ],
    [
      'a memory alarm blocking publishers',
      { ...calm, publishers: { flow: 0, blocked: 3, blocking: 0, alarm: 'memory' as const } },
      [/^The broker's memory alarm is on/],
    ],
  ])('%s', (_name, verdict, expected) => {
    const notes = verdictNotes(verdict, 'Replies');
    expect(notes).toHaveLength(expected.length);
    expected.forEach((re, i) => expect(notes[i]).toMatch(re));
  });
});
