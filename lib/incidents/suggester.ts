import type { Snapshot } from '../contracts/snapshot';
import type { TimelineEvent } from '../contracts/timeline';
import { suggestIncident } from './commands/suggest-incident';
import type { IncidentDeps } from './deps';
import { isHealthy } from './suggest';

/**
 * Feeds the suggestion command: each stored batch of events, and a slow tick while the pipeline is
 * healthy, with the time since when it has been healthy without a break (a suggestion nobody took
 * is withdrawn after a settled healthy minute).
 */
export class Suggester {
  private healthySinceMs: number | null = null;

  constructor(private readonly deps: IncidentDeps) {}

  observe(snapshot: Snapshot): void {
    if (!isHealthy(snapshot)) this.healthySinceMs = null;
    else this.healthySinceMs ??= Date.parse(snapshot.generatedAt);
  }

  afterEvents(events: TimelineEvent[], snapshot: Snapshot): Promise<void> {
    return suggestIncident(this.deps, events, snapshot, this.healthySinceMs);
  }

  async tick(snapshot: Snapshot): Promise<void> {
    if (this.healthySinceMs === null) return;
    try {
      await suggestIncident(this.deps, [], snapshot, this.healthySinceMs);
    } catch (err) {
      console.error(`incidents: ${(err as Error).message}`);
    }
  }
}
