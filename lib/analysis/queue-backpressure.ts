import type { QueueVerdict } from '../contracts/snapshot';
import { formatRate, plural } from '../format/numbers';
import { roundTo } from './round';

/**
 * The backpressure half of a queue's verdict: whether it sheds load at its length limit (and how
 * fast), whether it dead-letters or loses what consumers reject, and whether the broker holds its
 * publishers back (credit flow, or a memory or disk alarm). Pure.
 */
export interface QueueBackpressureInput {
  ready: number;
  consumers: number;
  arrivalPerSec: number | null;
  drainPerSec: number | null;
  /** The queue's limit (lower of argument and policy) and overflow mode; null without one. */
  limit?: {
    maxLength: number | null;
    maxLengthBytes: number | null;
    readyBytes: number | null;
    overflow: string;
  } | null;
  /** The dead-letter exchange ('' the default exchange, routed by the key); null without one. */
  deadLetter?: { exchange: string; routingKey: string | null } | null;
  /** Consumers' rejections with requeue=false, per second. */
  rejectedByConsumersPerSec?: number | null;
  /** Throttled connections in the queue's vhost, and the broker's resource alarms. */
  publishers?: { flow: number; blocked: number; blocking: number; memoryAlarm: boolean; diskAlarm: boolean } | null;
}

type Backpressure = Pick<QueueVerdict, 'limit' | 'rejectedByConsumersPerSec' | 'deadLetter' | 'publishers'>;

/** Below this a rate difference is the broker's sampling noise, not a finding (per second). */
const noisePerSec = 0.5;
const round2 = (n: number) => roundTo(n, 2);
const finite = (n: number | null | undefined): n is number => typeof n === 'number' && Number.isFinite(n);

export function queueBackpressure(q: QueueBackpressureInput): { fields: Backpressure; parts: string[] } {
  const fields: Backpressure = {};
  const parts: string[] = [];
  const dlx = q.deadLetter ?? null;
  let deadLetteredPerSec = 0;

  const limit = q.limit;
  if (limit && (finite(limit.maxLength) || finite(limit.maxLengthBytes))) {
    const byCount = finite(limit.maxLength) ? ratio(q.ready, limit.maxLength) : 0;
    const byBytes =
      finite(limit.maxLengthBytes) && finite(limit.readyBytes) ? ratio(limit.readyBytes, limit.maxLengthBytes) : 0;
    const full = Math.max(byCount, byBytes);
    const shedding = full >= 1;
    // At the limit every arrival beyond what consumers take is rejected or drops the oldest;
    // RabbitMQ's publish rate counts them (checked against the broker). No consumers: none taken.
    const drain = q.drainPerSec ?? (q.consumers === 0 ? 0 : null);
    const shedPerSec =
      shedding && finite(q.arrivalPerSec) && finite(drain) ? round2(Math.max(0, q.arrivalPerSec - drain)) : null;
    fields.limit = {
      maxLength: limit.maxLength,
      maxLengthBytes: limit.maxLengthBytes,
      overflow: limit.overflow,
      fullPct: Math.round(full * 1000) / 10,
      shedding,
      shedPerSec,
    };
    // As configured (the number a policy or argument says), not grouped into thousands.
    const named = byBytes > byCount ? `max-length-bytes ${limit.maxLengthBytes}` : `max-length ${limit.maxLength}`;
    // drop-head dead-letters the dropped messages when the queue has a DLX; reject-publish-dlx always does.
    const letters = limit.overflow === 'reject-publish-dlx' || (limit.overflow === 'drop-head' && dlx !== null);
    if (shedding && shedPerSec !== null && shedPerSec > 0) {
      parts.push(`sheds load: ${formatRate(shedPerSec)} ${shedVerb(limit.overflow, dlx !== null)} at ${named}`);
      if (letters && dlx) deadLetteredPerSec += shedPerSec;
    } else if (shedding) parts.push(`full at ${named} (${limit.overflow})`);
    else if (full >= 0.5) parts.push(`${Math.round(full * 100)}% of ${named}`);
  }

  const rejected = finite(q.rejectedByConsumersPerSec) ? round2(Math.max(0, q.rejectedByConsumersPerSec)) : null;
  if (rejected !== null) fields.rejectedByConsumersPerSec = rejected;
  const rejectsMatter = rejected !== null && rejected >= Math.max(noisePerSec, 0.05 * (q.drainPerSec ?? 0));
  if (dlx) {
    if (rejectsMatter) deadLetteredPerSec += rejected;
    fields.deadLetter = {
      exchange: dlx.exchange,
      routingKey: dlx.routingKey,
      perSec: rejected === null && !fields.limit?.shedding ? null : round2(deadLetteredPerSec),
    };
    if (deadLetteredPerSec > 0) parts.push(`dead-letters ${formatRate(deadLetteredPerSec)} to ${dlxName(dlx)}`);
  } else if (rejectsMatter) parts.push(`consumers reject ${formatRate(rejected)}, lost (no dead-letter exchange)`);

  const p = q.publishers;
  if (p) {
    const alarm =
      p.memoryAlarm && p.diskAlarm ? 'memory-and-disk' : p.memoryAlarm ? 'memory' : p.diskAlarm ? 'disk' : null;
    fields.publishers = { flow: p.flow, blocked: p.blocked, blocking: p.blocking, alarm };
    const held = p.blocked + p.blocking;
    if (alarm)
      parts.push(
        `publishers blocked: ${alarm === 'memory-and-disk' ? 'memory and disk' : alarm} alarm${held > 0 ? ` (${plural(held, 'connection')})` : ''}`,
      );
    else if (held > 0) parts.push(`publishers blocked: ${plural(held, 'connection')}`);
    if (p.flow > 0) parts.push(`${plural(p.flow, 'publisher')} under flow control`);
  }
  return { fields, parts };
}

function ratio(n: number, of: number): number {
  // A limit of 0 is valid: the queue is always full.
  if (of <= 0) return 1;
  return Math.max(0, n / of);
}

function shedVerb(overflow: string, hasDlx: boolean): string {
  if (overflow === 'reject-publish') return 'rejected';
  if (overflow === 'reject-publish-dlx') return 'rejected and dead-lettered';
  if (overflow === 'drop-head') return hasDlx ? 'dead-lettered from the head' : 'dropped from the head';
  return `shed (${overflow})`;
}

function dlxName(d: { exchange: string; routingKey: string | null }): string {
  if (d.exchange !== '') return d.exchange;
  return d.routingKey ? `queue ${d.routingKey}` : 'the default exchange';
}
