/**
 * Tracks the fraction of wall time a worker spent busy over a sliding window, from which the
 * simulated GPU utilisation is derived.
 */
export class BusyTracker {
  private intervals: Array<{ startMs: number; endMs: number }> = [];
  private busySinceMs: number | null = null;

  constructor(private readonly windowMs: number) {}

  start(nowMs: number): void {
    this.busySinceMs = nowMs;
  }

  stop(nowMs: number): void {
    if (this.busySinceMs === null) return;
    this.intervals.push({ startMs: this.busySinceMs, endMs: nowMs });
    this.busySinceMs = null;
  }

  /** Busy fraction (0..1) of the last windowMs before nowMs. */
  busyFraction(nowMs: number): number {
    const windowStart = nowMs - this.windowMs;
    this.intervals = this.intervals.filter((i) => i.endMs > windowStart);
    let busyMs = 0;
    for (const i of this.intervals) busyMs += Math.min(i.endMs, nowMs) - Math.max(i.startMs, windowStart);
    if (this.busySinceMs !== null) busyMs += nowMs - Math.max(this.busySinceMs, windowStart);
    return Math.min(1, Math.max(0, busyMs / this.windowMs));
  }
}

/**
 * One inference stream cannot fill a GPU: the source documents saw about 20% with one worker per
 * GPU and about 80% with four. A fully busy worker therefore shows `perWorkerCeilingPct`.
 */
export function simulatedGpuUtilPct(busyFraction: number, perWorkerCeilingPct = 22): number {
  return Math.round(busyFraction * perWorkerCeilingPct * 10) / 10;
}
