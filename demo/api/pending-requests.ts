import type { InferenceReply } from '../lib/amqp';

/**
 * The HTTP requests the API holds while their inference travels through the broker, keyed by
 * correlation id. A request either gets its reply or times out; a reply for a request that timed
 * out is an orphan.
 */
export class PendingRequests {
  private readonly pending = new Map<string, { resolve: (reply: InferenceReply) => void; timer: NodeJS.Timeout }>();

  get size(): number {
    return this.pending.size;
  }

  wait(correlationId: string, timeoutMs: number): Promise<InferenceReply> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(correlationId);
        reject(new Error(`no reply within ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending.set(correlationId, { resolve, timer });
    });
  }

  /** Returns false when nobody waits for this id any more. */
  complete(correlationId: string, reply: InferenceReply): boolean {
    const entry = this.pending.get(correlationId);
    if (!entry) return false;
    clearTimeout(entry.timer);
    this.pending.delete(correlationId);
    entry.resolve(reply);
    return true;
  }

  cancel(correlationId: string): void {
    const entry = this.pending.get(correlationId);
    if (entry) clearTimeout(entry.timer);
    this.pending.delete(correlationId);
  }
}
