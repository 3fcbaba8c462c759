import type { QueueVerdict } from '../contracts/snapshot';
import { formatDuration, formatRate } from '../format/numbers';
import { queueBackpressure, type QueueBackpressureInput } from './queue-backpressure';
import { roundTo } from './round';

/**
 * A queue stage's verdict in numbers, the questions people ask of a queue in an incident: how long
 * until it is empty at the current rates; how old its oldest message is (measured from the AMQP
 * timestamp publishers set, otherwise estimated from the backlog and the drain rate, and said
 * so); whether its consumers are saturated (each holds all the messages it may: unacked at
 * consumers x prefetch; RabbitMQ's consumer capacity low; or the backlog growing while they
 * work) or idle and starved of work; and a
 * redelivery rate that suggests a message failing in a loop; and its backpressure and load
 * shedding (queue-backpressure.ts). Pure.
 */
export interface QueueVerdictInput extends Omit<
  QueueBackpressureInput,
  'ready' | 'consumers' | 'arrivalPerSec' | 'drainPerSec'
> {
  ready: number;
  unacked: number;
  consumers: number;
  /** Lag-free change of the ready count, per second (negative while draining). */
  growthPerSec: number | null;
  arrivalPerSec: number | null;
  drainPerSec: number | null;
  /** Measured from head_message_timestamp, when publishers set it. */
  measuredHeadAgeMs: number | null;
  /** The wait estimated from the backlog and the drain rate (Little's law). */
  estimatedWaitMs: number;
  consumerCapacity: number | null;
  prefetch: number | null;
  redeliverPerSec: number | null;
}

const maxDrainSeconds = 30 * 24 * 3600;

export function queueVerdict(q: QueueVerdictInput): QueueVerdict {
  const unackedLimit = q.prefetch !== null && q.consumers > 0 ? q.prefetch * q.consumers : null;
  // Net change: the lag-free growth when there is one, the broker's rates otherwise.
  const net =
    q.growthPerSec ?? (q.arrivalPerSec !== null && q.drainPerSec !== null ? q.arrivalPerSec - q.drainPerSec : null);
  // A vanishing drain rate (a tiny difference of rates) is no drain: past 30 days, not draining.
  const drainAt = net !== null && net < 0 ? Math.ceil(q.ready / -net) : null;
  const drainSeconds = q.ready === 0 ? 0 : drainAt !== null && drainAt <= maxDrainSeconds ? drainAt : null;
  const headAgeMs =
    q.ready === 0 ? null : (q.measuredHeadAgeMs ?? (Number.isFinite(q.estimatedWaitMs) ? q.estimatedWaitMs : null));
  const headAgeEstimated = q.ready > 0 && q.measuredHeadAgeMs === null && headAgeMs !== null;
  const holdingAll = unackedLimit !== null && q.unacked >= 0.9 * unackedLimit;
  const busy = q.consumerCapacity !== null && q.consumerCapacity < 0.5;
  const growing = net !== null && net > 0;
  const saturation: QueueVerdict['saturation'] =
    q.consumers === 0
      ? q.ready > 0
        ? 'no-consumers'
        : 'idle'
      : q.ready > 0 && (holdingAll || busy || growing)
        ? 'saturated'
        : q.ready === 0 && !holdingAll
          ? 'idle'
          : 'keeping-up';
  const redeliveredShare =
    q.redeliverPerSec !== null && q.drainPerSec !== null && q.drainPerSec > 0
      ? Math.min(1, q.redeliverPerSec / q.drainPerSec)
      : null;

  const parts: string[] = [];
  if (q.ready === 0) parts.push('empty');
  else if (drainSeconds !== null) parts.push(`drains in ${formatDuration(drainSeconds * 1000)}`);
  else if (net !== null && net > 0) parts.push(`not draining: grows by ${formatRate(net)}`);
  else if (net !== null) parts.push('steady');
  else parts.push('not draining');
  if (headAgeMs !== null)
    parts.push(
      `oldest ${headAgeEstimated ? '~' : ''}${formatDuration(headAgeMs)}${headAgeEstimated ? ' (estimated)' : ''}`,
    );
  const backpressure = queueBackpressure(q);
  parts.push(...backpressure.parts);
  if (saturation === 'saturated') {
    if (holdingAll) parts.push(`consumers saturated (${q.unacked}/${unackedLimit} unacked)`);
    else if (busy) parts.push(`consumers saturated (capacity ${Math.round(q.consumerCapacity! * 100)}%)`);
    else parts.push(`${q.consumers} ${q.consumers === 1 ? 'consumer cannot' : 'consumers cannot'} keep up`);
  } else if (saturation === 'no-consumers') parts.push('no consumer');
  else if (saturation === 'idle' && q.consumers > 0) parts.push('consumers idle, waiting for work');
  if (redeliveredShare !== null && redeliveredShare >= 0.1 && (q.redeliverPerSec ?? 0) >= 0.5)
    parts.push(`${Math.round(redeliveredShare * 100)}% redelivered: a message may be failing in a loop`);
  return {
    drainSeconds,
    headAgeMs: headAgeMs === null ? null : Math.round(headAgeMs),
    headAgeEstimated,
    consumerCapacity: q.consumerCapacity,
    unackedLimit,
    saturation,
    redeliveredShare: redeliveredShare === null ? null : roundTo(redeliveredShare, 3),
    ...backpressure.fields,
    summary: parts.join(' · '),
  };
}
