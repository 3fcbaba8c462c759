import type { SourceName, SourceStatus } from '../contracts/snapshot';

/**
 * Each source's health as data: ok while its last call succeeded; stale from the first failure
 * (its last good numbers are still shown, marked); down when nothing has succeeded for three poll
 * intervals, or ever. Recovers by itself on the next success.
 */
export class SourceHealth {
  private readonly state = new Map<SourceName, { lastOkMs: number | null; error: string | null; intervalMs: number }>();

  constructor(intervals: Record<SourceName, number>) {
    for (const [name, intervalMs] of Object.entries(intervals) as Array<[SourceName, number]>) {
      this.state.set(name, { lastOkMs: null, error: null, intervalMs });
    }
  }

  succeeded(name: SourceName, nowMs: number): void {
    const s = this.state.get(name)!;
    s.lastOkMs = nowMs;
    s.error = null;
  }

  failed(name: SourceName, error: string): void {
    this.state.get(name)!.error = error;
  }

  private readonly sinceMs = Date.now();

  /**
   * Whether what is known of the source is news: it has answered, or it has failed for two whole
   * intervals (a checker still connecting at start fails at once, which is not the source's fault).
   */
  settled(name: SourceName, nowMs = Date.now()): boolean {
    const s = this.state.get(name)!;
    return s.lastOkMs !== null || (s.error !== null && nowMs - this.sinceMs >= 2 * s.intervalMs);
  }

  view(nowMs: number): Record<SourceName, { status: SourceStatus; lastOkAt: string | null; error?: string }> {
    const out = {} as Record<SourceName, { status: SourceStatus; lastOkAt: string | null; error?: string }>;
    for (const [name, s] of this.state) {
      let status: SourceStatus = 'ok';
      if (s.error !== null) {
        status = s.lastOkMs === null || nowMs - s.lastOkMs > 3 * s.intervalMs ? 'down' : 'stale';
      } else if (s.lastOkMs === null) {
        status = 'stale';
      }
      out[name] = { status, lastOkAt: s.lastOkMs === null ? null : new Date(s.lastOkMs).toISOString() };
      if (s.error !== null) out[name].error = s.error;
      else if (s.lastOkMs === null) out[name].error = 'no answer yet';
    }
    return out;
  }
}
