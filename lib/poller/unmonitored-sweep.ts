import type { UnmonitoredQueue } from '../contracts/snapshot';
import type { QueueStats } from '../sources/rabbitmq/types';

/**
 * Every broker queue the configuration does not name, kept current without ever listing the
 * whole broker at once: each management poll reads the deepest queues (one page sorted by
 * messages_ready) and the next page of a full sweep by name. A queue missing from two complete
 * sweeps is forgotten (it was deleted).
 */
export class UnmonitoredSweep {
  private readonly known = new Map<string, { queue: QueueStats; sweep: number }>();
  private sweep = 0;
  nextPage = 1;
  total = 0;

  constructor(private readonly isConfigured: (vhost: string, name: string) => boolean) {}

  private put(q: QueueStats): void {
    if (this.isConfigured(q.vhost, q.name)) return;
    this.known.set(`${q.vhost}\u0000${q.name}`, { queue: q, sweep: this.sweep });
  }

  addDeepest(queues: QueueStats[]): void {
    for (const q of queues) this.put(q);
  }

  addSweepPage(queues: QueueStats[], page: number, pageCount: number, total: number): void {
    for (const q of queues) this.put(q);
    this.total = total;
    if (page >= pageCount) {
      this.sweep += 1;
      this.nextPage = 1;
      for (const [key, entry] of this.known) if (entry.sweep < this.sweep - 2) this.known.delete(key);
    } else {
      this.nextPage = page + 1;
    }
  }

  /**
   * Every queue of the broker at once (the Prometheus plugin's detailed endpoint): what it lacks
   * was deleted, so the known set is replaced rather than aged over sweeps.
   */
  addCompleteListing(queues: QueueStats[]): void {
    this.known.clear();
    this.sweep += 1;
    this.nextPage = 1;
    for (const q of queues) this.put(q);
    this.total = queues.length;
  }

  list(): UnmonitoredQueue[] {
    return [...this.known.values()].map(({ queue: q }) => ({
      vhost: q.vhost,
      name: q.name,
      ready: q.ready,
      consumers: q.consumers,
      publishRatePerSec: q.publishRate,
      deliverRatePerSec: q.deliverRate,
      alert: null,
    }));
  }
}
