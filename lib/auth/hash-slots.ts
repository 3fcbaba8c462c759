/**
 * Password hashing is deliberately expensive (64 MiB and ~0.1 s each), so only a few run at once
 * and a bounded number wait: a flood of sign-ins costs queueing, never the process's memory.
 * `run` answers null when the queue is full (the caller says "busy, retry").
 */
export class HashSlots {
  private running = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(
    private readonly concurrent = 2,
    private readonly maxWaiting = 64,
  ) {}

  async run<T>(work: () => Promise<T>): Promise<T | null> {
    if (this.running >= this.concurrent) {
      if (this.waiting.length >= this.maxWaiting) return null;
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    } else {
      this.running++;
    }
    try {
      return await work();
    } finally {
      // The slot passes straight to the next waiter, or is given back.
      const next = this.waiting.shift();
      if (next) next();
      else this.running--;
    }
  }
}
