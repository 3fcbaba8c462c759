import type { Snapshot } from '../analysis/types';
import { deriveEvents, fingerprint } from '../analysis/derive-events';
import type { History } from '../store/history';
import { metrics } from '../metrics/registry';

/**
 * Persists the poller's snapshots: at most one every `everyMs` while anything changes (same
 * fingerprint: not stored again), and the timeline events between consecutive snapshots. A store
 * failure is logged and retried with the next snapshot; it never stops the poller.
 */
export class HistoryRecorder {
  private lastStoredMs = 0;
  private lastFingerprint: string | null = null;
  private previous: Snapshot | null = null;
  private busy = false;
  private lastPruneMs = 0;
  storedCount = 0;
  storedBytes = 0;
  lastError: string | null = null;

  constructor(
    private readonly store: History,
    private readonly pipeline: string,
    private readonly options: { everyMs: number; retentionHours: number },
  ) {}

  async record(snapshot: Snapshot, nowMs = Date.now()): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    try {
      // Events are derived from every snapshot the poller makes, so none is missed between stores.
      const events = deriveEvents(this.previous, snapshot);
      if (events.length > 0) await this.store.saveEvents(this.pipeline, events);
      this.previous = snapshot;
      const print = fingerprint(snapshot);
      const due = nowMs - this.lastStoredMs >= this.options.everyMs;
      if ((due && print !== this.lastFingerprint) || events.length > 0) {
        const bytes = await this.store.saveSnapshot(this.pipeline, snapshot, print);
        this.storedBytes += bytes;
        this.storedCount += 1;
        metrics().historySnapshots.inc();
        metrics().historyBytes.inc(bytes);
        this.lastStoredMs = nowMs;
        this.lastFingerprint = print;
      }
      if (nowMs - this.lastPruneMs > 10 * 60_000) {
        this.lastPruneMs = nowMs;
        await this.store.prune(this.pipeline, new Date(nowMs - this.options.retentionHours * 3_600_000));
      }
      this.lastError = null;
    } catch (err) {
      this.lastError = (err as Error).message;
      console.error(`history: ${this.lastError}`);
    } finally {
      this.busy = false;
    }
  }
}
