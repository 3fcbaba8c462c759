import type { Snapshot } from '../analysis/types';
import { deriveEvents, fingerprint, type TimelineEvent } from '../analysis/derive-events';
import type { History } from '../store/history';
import { metrics } from '../metrics/registry';

/** How much the recorder holds while the store is down, before it drops the oldest. */
const maxPendingEvents = 5000;
const maxPendingSnapshots = 200;

/**
 * Persists the poller's snapshots: at most one every `everyMs` while anything changes (same
 * fingerprint: not stored again), and the timeline events between consecutive snapshots. While
 * the store is down, events and the snapshots due are held in memory (bounded) and written, in
 * order, when it answers again; nothing is counted stored before the store said so. A store
 * failure never stops the poller.
 */
export class HistoryRecorder {
  private lastStoredMs = 0;
  private lastFingerprint: string | null = null;
  private previous: Snapshot | null = null;
  private readonly aboveThreshold = new Set<string>();
  private pendingEvents: TimelineEvent[] = [];
  private pendingSnapshots: Array<{ snapshot: Snapshot; print: string }> = [];
  private busy = false;
  private lastPruneMs = 0;
  storedCount = 0;
  storedBytes = 0;
  storedEvents = 0;
  dropped = 0;
  lastError: string | null = null;

  constructor(
    private readonly store: History,
    private readonly pipeline: string,
    private readonly options: { everyMs: number; retentionHours: number },
    /** Told about every batch of events once it is stored (incident suggestions, live timelines). */
    private readonly afterEvents?: (events: TimelineEvent[], snapshot: Snapshot) => Promise<void>,
  ) {}

  async record(snapshot: Snapshot, nowMs = Date.now()): Promise<void> {
    // Events are derived from every snapshot the poller makes, even while a write is in flight,
    // so none is missed.
    const events = deriveEvents(this.previous, snapshot, this.aboveThreshold);
    this.previous = snapshot;
    this.hold(this.pendingEvents, events, maxPendingEvents);
    const print = fingerprint(snapshot);
    const due = nowMs - this.lastStoredMs >= this.options.everyMs;
    if ((due && print !== this.lastFingerprint) || events.length > 0) {
      this.hold(this.pendingSnapshots, [{ snapshot, print }], maxPendingSnapshots);
      this.lastStoredMs = nowMs;
      this.lastFingerprint = print;
    }
    if (this.busy) return;
    this.busy = true;
    try {
      await this.flush(snapshot);
      if (nowMs - this.lastPruneMs > 10 * 60_000) {
        this.lastPruneMs = nowMs;
        await this.store.prune(this.pipeline, new Date(nowMs - this.options.retentionHours * 3_600_000));
      }
      this.lastError = null;
    } catch (err) {
      this.lastError = (err as Error).message;
      console.error(`history: ${this.lastError} (holding ${this.pendingEvents.length} events, ${this.pendingSnapshots.length} snapshots)`);
    } finally {
      this.busy = false;
    }
  }

  /** What is waiting for the store. */
  get pending(): { events: number; snapshots: number } {
    return { events: this.pendingEvents.length, snapshots: this.pendingSnapshots.length };
  }

  private hold<T>(queue: T[], items: T[], max: number): void {
    queue.push(...items);
    if (queue.length > max) {
      const drop = queue.length - max;
      queue.splice(0, drop);
      this.dropped += drop;
    }
  }

  private async flush(latest: Snapshot): Promise<void> {
    if (this.pendingEvents.length > 0) {
      const batch = this.pendingEvents.slice();
      await this.store.saveEvents(this.pipeline, batch);
      this.pendingEvents.splice(0, batch.length);
      this.storedEvents += batch.length;
      if (this.afterEvents) await this.afterEvents(batch, latest).catch((err: Error) => console.error(`history: after events: ${err.message}`));
    }
    while (this.pendingSnapshots.length > 0) {
      const { snapshot, print } = this.pendingSnapshots[0]!;
      const bytes = await this.store.saveSnapshot(this.pipeline, snapshot, print);
      this.pendingSnapshots.shift();
      this.storedBytes += bytes;
      this.storedCount += 1;
      metrics().historySnapshots.inc();
      metrics().historyBytes.inc(bytes);
    }
  }
}
