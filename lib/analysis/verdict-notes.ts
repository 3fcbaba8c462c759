import type { QueueVerdict } from '../contracts/snapshot';
import { formatRate } from '../format/numbers';

/**
 * What the bottleneck queue's verdict says about the recommended fix, beyond its size: more
 * consumers do not clear a message failing in a loop, requests shed at a length limit are lost
 * (not late), and publishers held back by a broker alarm are a broker problem first. Pure: the
 * notes go on the recommendation, beside the limits recommend-scale.ts names.
 */
export function verdictNotes(verdict: QueueVerdict | undefined, queueLabel: string): string[] {
  if (!verdict) return [];
  const notes: string[] = [];
  const share = verdict.redeliveredShare;
  if (share !== null && share >= 0.1)
    notes.push(
      `${Math.round(share * 100)}% of the deliveries from ${queueLabel} are redeliveries: a message may be failing in a loop, which more consumers will not clear; look for it (or a dead-letter policy) first.`,
    );
  if (verdict.limit?.shedding)
    notes.push(
      `${queueLabel} is at its length limit (${verdict.limit.overflow})${verdict.limit.shedPerSec ? ` and sheds about ${formatRate(verdict.limit.shedPerSec)}` : ''}: those requests fail rather than wait, so the error rate matters as much as the latency.`,
    );
  const alarm = verdict.publishers?.alarm;
  if (alarm)
    notes.push(
      `The broker's ${alarm === 'memory-and-disk' ? 'memory and disk alarms are' : `${alarm} alarm is`} on: publishers are blocked until it clears, whatever the consumers do.`,
    );
  return notes;
}
