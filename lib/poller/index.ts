import 'server-only';
import { currentConfig } from '../config';
import { HistoryRecorder } from '../history/recorder';
import { getDb } from '../store';
import { history } from '../store/history';
import { suggestFromEvents } from '../incidents/service';
import { isHealthy } from '../incidents/suggest';
import type { Snapshot } from '../analysis/types';
import type { TimelineEvent } from '../analysis/derive-events';
import { announce } from '../incidents/bus';
import { Poller } from './poller';

/**
 * The process-wide poller, created from the configuration on first use (or at server start by
 * instrumentation.ts) and kept on globalThis so module reloads in development do not start a
 * second loop.
 */
const key = Symbol.for('warroom.poller');
type GlobalWithPoller = typeof globalThis & { [key]?: Poller };

/** The poller, or why there is none (no or invalid configuration: read again on the next call). */
export function getPoller(): { poller: Poller; error: null } | { poller: null; error: string } {
  const g = globalThis as GlobalWithPoller;
  if (g[key]) return { poller: g[key], error: null };
  const state = currentConfig();
  if (state.status !== 'loaded') {
    return {
      poller: null,
      error: state.status === 'missing' ? 'No configuration: set WARROOM_CONFIG (see README).' : state.error,
    };
  }
  const poller = new Poller(state.config);
  poller.start();
  g[key] = poller;
  startRecording(poller);
  return { poller, error: null };
}

/** Every snapshot goes to the history; the store opening late (or failing) only delays that. */
function startRecording(poller: Poller): void {
  const { config } = poller;
  void getDb()
    .then((db) => {
      // Since when the pipeline has been healthy: a suggestion nobody took is withdrawn after a
      // settled minute, checked on a slow tick (events alone would miss a quiet recovery).
      let healthySinceMs: number | null = null;
      const suggest = (events: TimelineEvent[], snapshot: Snapshot) =>
        suggestFromEvents(db, config.pipeline.name, events, snapshot, healthySinceMs);
      // Each stored batch: open pages refresh their timelines, and warroom may suggest an incident.
      const afterEvents = (events: TimelineEvent[], snapshot: Snapshot) => {
        announce({ topic: 'timeline', at: events.at(-1)!.at });
        return suggest(events, snapshot);
      };
      const recorder = new HistoryRecorder(
        history(db),
        config.pipeline.name,
        { everyMs: config.history.snapshotEveryMs, retentionHours: config.history.retentionHours },
        afterEvents,
      );
      poller.recorder = recorder;
      poller.on('snapshot', (snapshot) => {
        if (!isHealthy(snapshot)) healthySinceMs = null;
        else healthySinceMs ??= Date.parse(snapshot.generatedAt);
        void recorder.record(snapshot);
      });
      setInterval(() => {
        if (healthySinceMs !== null)
          void suggest([], poller.snapshot()).catch((err: Error) => console.error(`incidents: ${err.message}`));
      }, 15_000).unref();
    })
    .catch((err: Error) => console.error(`history: the store did not open: ${err.message}`));
}
