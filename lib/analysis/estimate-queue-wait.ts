/**
 * How long a message now joining the queue will wait, in ms. The head message's age is a direct
 * measurement when publishers set the AMQP timestamp (whole seconds, so only trusted from 1 s up);
 * otherwise Little's law: ready messages over the rate consumers drain them. A queue with ready
 * messages and no drain waits without bound: Infinity.
 */
export function estimateQueueWaitMs(input: { ready: number; drainPerSec: number | null; headAgeMs: number | null }): number {
  if (input.ready <= 0) return 0;
  if (input.headAgeMs !== null && input.headAgeMs >= 1000) return input.headAgeMs;
  if (input.drainPerSec === null || input.drainPerSec <= 0) return Number.POSITIVE_INFINITY;
  return (input.ready / input.drainPerSec) * 1000;
}
