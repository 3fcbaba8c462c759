/**
 * How long a message now joining the queue will wait, in ms. The head message's age is a direct
 * measurement when publishers set the AMQP timestamp, but it has whole-second resolution and comes
 * with the management API's lag of up to 5 s, so it is trusted only from 1 s up and for a queue
 * of at least 10 ready messages (a handful drains long before that sample is current); otherwise
 * Little's law: ready messages over the rate consumers drain them. A queue with ready messages and
 * no drain waits without bound: Infinity.
 */
export function estimateQueueWaitMs(input: {
  ready: number;
  drainPerSec: number | null;
  headAgeMs: number | null;
}): number {
  if (input.ready <= 0) return 0;
  if (input.headAgeMs !== null && input.headAgeMs >= 1000 && input.ready >= 10) return input.headAgeMs;
  if (input.drainPerSec === null || input.drainPerSec <= 0) return Number.POSITIVE_INFINITY;
  return (input.ready / input.drainPerSec) * 1000;
}
