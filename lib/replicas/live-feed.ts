import { EventEmitter } from 'node:events';
import type { Snapshot } from '../contracts/snapshot';

/**
 * What a replica serves as "now": the latest snapshot and a signal for every new one. The leader
 * feeds it from its own poll loop; the other replicas from the leader's snapshots in PostgreSQL,
 * as NOTIFY announces them. Routes and streams read only this, never the poller.
 */
export class LiveFeed {
  private readonly emitter = new EventEmitter().setMaxListeners(0);
  private latest: Snapshot;

  constructor(initial: Snapshot) {
    this.latest = initial;
  }

  snapshot(): Snapshot {
    return this.latest;
  }

  publish(snapshot: Snapshot): void {
    this.latest = snapshot;
    this.emitter.emit('snapshot', snapshot);
  }

  subscribe(listener: (snapshot: Snapshot) => void): () => void {
    this.emitter.on('snapshot', listener);
    return () => this.emitter.off('snapshot', listener);
  }

  get listeners(): number {
    return this.emitter.listenerCount('snapshot');
  }
}
