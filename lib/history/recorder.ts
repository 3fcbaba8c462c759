import type { Snapshot } from '../contracts/snapshot';
import { deriveEvents, fingerprint } from '../analysis/derive-events';
import { type TimelineEvent } from '../contracts/timeline';
import type { History } from '../store/history';
import type { Fence } from '../store/lease';
import { metrics } from '../metrics/registry';

/** How often old history is pruned, and how long after a start the first prune waits. */
const pruneEveryMs = 10 * 60_000;
const firstPruneAfterMs = 60_000;
/** How much the recorder holds while the store is down (before it drops the oldest). */
const defaults = { maxPendingEvents: 5000, maxPendingSnapshots: 200 };

/**
 * Persists the poller's snapshots: at most one every `everyMs` while anything changes (same
 * fingerprint: not stored again), and the timeline events between consecutive snapshots, each
 * batch of events in one transaction with the snapshots that carry their state. While the store
 * is down, events and the snapshots due are held in memory (bounded) and written, in order, when
 * it answers again; nothing is counted stored before the store said so. A store failure never
 * stops the poller. Among replicas, each write is fenced by the leader's term.
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
  private readonly options: typeof defaults & { everyMs: number; retentionHours: number };

  constructor(
    private readonly store: History,
    private readonly pipeline: string,
    options: { everyMs: number; retentionHours: number } & Partial<typeof defaults>,
    /** Told about every batch of events once it is stored (incident suggestions, live timelines). */
    private readonly afterEvents?: (events: TimelineEvent[], snapshot: Snapshot) => Promise<void>,
    /** Whether this process may write now (it leads the replicas); until then it holds. */
    private readonly mayWrite: () => boolean = () => true,
    /** The term this process leads under, checked by every write (null: one process, unchecked). */
    private readonly fence: () => Fence | null = () => null,
  ) {
    this.options = { ...defaults, ...options };
  }

  /**
   * Carries on from where an earlier recorder stopped (this process before a restart, or the last
   * leader): the last stored snapshot and the queues above their threshold, so that what the
   * timeline already says is not said again. Only before the first record.
   */
  resumeFrom(previous: Snapshot | null, aboveThreshold: string[]): void {
    if (this.previous) return;
    this.previous = previous;
    for (const id of aboveThreshold) this.aboveThreshold.add(id);
    if (previous) this.lastFingerprint = fingerprint(previous);
  }

  async record(snapshot: Snapshot, nowMs = Date.now()): Promise<void> {
    // Events are derived from every snapshot the poller makes, even while a write is in flight,
    // so none is missed.
    const events = deriveEvents(this.previous, snapshot, this.aboveThreshold);
    this.previous = snapshot;
    this.hold(this.pendingEvents, events, this.options.maxPendingEvents);
    const print = fingerprint(snapshot);
    const due = nowMs - this.lastStoredMs >= this.options.everyMs;
    if ((due && print !== this.lastFingerprint) || events.length > 0) {
      this.hold(this.pendingSnapshots, [{ snapshot, print }], this.options.maxPendingSnapshots);
      this.lastStoredMs = nowMs;
      this.lastFingerprint = print;
    }
    if (this.busy || !this.mayWrite()) return;
    this.busy = true;
    try {
      await this.flush(snapshot);
      // The first prune waits a minute after the first write: a process starting (often because
      // someone opens a link in an incident) serves pages before it vacuums.
      if (this.lastPruneMs === 0) this.lastPruneMs = nowMs - pruneEveryMs + firstPruneAfterMs;
      if (nowMs - this.lastPruneMs >= pruneEveryMs) {
        this.lastPruneMs = nowMs;
        await this.store.prune(this.pipeline, new Date(nowMs - this.options.retentionHours * 3_600_000));
      }
      this.lastError = null;
    } catch (err) {
      this.lastError = (err as Error).message;
      console.error(
        `history: ${this.lastError} (holding ${this.pendingEvents.length} events, ${this.pendingSnapshots.length} snapshots)`,
      );
    } finally {
      this.busy = false;
    }
  }

  /**
   * Events from elsewhere (Nomad's event stream), recorded with the next snapshot's, in the same
   * order and under the same rules (held while the store is away or this process does not lead).
   */
  note(events: TimelineEvent[]): void {
    this.hold(this.pendingEvents, events, this.options.maxPendingEvents);
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

  /**
   * Writes what is held, oldest first, in one transaction. What is being written leaves the queues
   * while it is in flight, so that records arriving meanwhile (which may trim the queues) cannot
   * drop or count it; a failed batch goes back to the front, whole.
   */
  private async flush(latest: Snapshot): Promise<void> {
    if (this.pendingEvents.length === 0 && this.pendingSnapshots.length === 0) return;
    const events = this.pendingEvents.splice(0);
    const items = this.pendingSnapshots.splice(0);
    let bytes: number;
    try {
      bytes = await this.store.saveBatch(
        this.pipeline,
        { events, snapshots: items.map((i) => ({ snapshot: i.snapshot, fingerprint: i.print })) },
        this.fence(),
      );
    } catch (err) {
      this.pendingEvents.unshift(...events);
      this.hold(this.pendingEvents, [], this.options.maxPendingEvents);
      this.pendingSnapshots.unshift(...items);
      this.hold(this.pendingSnapshots, [], this.options.maxPendingSnapshots);
      throw err;
    }
    this.storedEvents += events.length;
    this.storedBytes += bytes;
    this.storedCount += items.length;
    metrics().historySnapshots.inc(items.length);
    metrics().historyBytes.inc(bytes);
    if (events.length > 0 && this.afterEvents)
      await this.afterEvents(events, latest).catch((err: Error) =>
        console.error(`history: after events: ${err.message}`),
      );
  }
}
