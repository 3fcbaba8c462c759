/**
 * Password hashing is deliberately expensive (64 MiB and ~0.1 s each), so only a few run at once
 * and a bounded number wait: a flood of sign-ins costs queueing, never the process's memory.
 * `run` answers null when the queue is full (the caller says "busy, retry"). A `first` request (an
 * address that signed in as that name before) waits ahead of the others, so a guessing flood that
 * fills the queue delays the people it targets by one hash, not by the whole queue.
 */
export class HashSlots {
  private running = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(
    private readonly concurrent = 2,
    private readonly maxWaiting = 64,
  ) {}

  async run<T>(work: () => Promise<T>, options: { first?: boolean } = {}): Promise<T | null> {
    if (this.running >= this.concurrent) {
      if (this.waiting.length >= this.maxWaiting && !options.first) return null;
      await new Promise<void>((resolve) =>
        options.first ? this.waiting.unshift(resolve) : this.waiting.push(resolve),
      );
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
