/**
 * How long a worker group takes to start new workers, learned from the scale ups it sees: from
 * the poll that first shows a higher desired count to the poll that shows that many running.
 * Measured at the Nomad poll's resolution (5 s by default); the median of the last few, so one
 * slow image pull does not size every later fix. A scale down or a new scale up before the
 * workers ran cancels the measurement instead of counting it.
 */
export const startupSamplesKept = 5;

interface GroupState {
  desired: number;
  pending: { target: number; sinceMs: number } | null;
  samplesSec: number[];
}

export class StartupTracker {
  private readonly groups = new Map<string, GroupState>();

  observe(stageId: string, desired: number, running: number, atMs: number): void {
    const g = this.groups.get(stageId);
    if (!g) {
      this.groups.set(stageId, { desired, pending: null, samplesSec: [] });
      return;
    }
    if (desired > g.desired && running < desired) g.pending = { target: desired, sinceMs: atMs };
    else if (desired !== g.desired) g.pending = null;
    g.desired = desired;
    if (g.pending && running >= g.pending.target) {
      g.samplesSec.push(Math.max(0, (atMs - g.pending.sinceMs) / 1000));
      g.samplesSec = g.samplesSec.slice(-startupSamplesKept);
      g.pending = null;
    }
  }

  /** The median start-up time in seconds, or null before a scale up has been seen through. */
  startupSec(stageId: string): number | null {
    const samples = [...(this.groups.get(stageId)?.samplesSec ?? [])].sort((a, b) => a - b);
    if (samples.length === 0) return null;
    const mid = Math.floor(samples.length / 2);
    return samples.length % 2 ? samples[mid]! : (samples[mid - 1]! + samples[mid]!) / 2;
  }
}
