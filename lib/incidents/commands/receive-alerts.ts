import type { AlertmanagerWebhook, AlertsReceived } from '../../contracts/alertmanager';
import type { Snapshot } from '../../contracts/snapshot';
import { actionOk, type ActionResult } from '../../contracts/result';
import { alertEvent, type AlertStage } from '../alerts';
import type { IncidentDeps } from '../deps';
import { suggestIncident } from './suggest-incident';

/**
 * Alertmanager's notification on the timeline: each alert that changed state since it was last
 * said (Alertmanager repeats itself every repeat_interval, to any replica), stored and announced;
 * a firing alert while the pipeline is not healthy can suggest an incident. Any replica may take
 * it: the store decides what was said.
 */
export async function receiveAlerts(
  deps: IncidentDeps,
  stages: AlertStage[],
  snapshot: Snapshot,
  payload: AlertmanagerWebhook,
): Promise<ActionResult<AlertsReceived>> {
  const now = new Date().toISOString();
  const said = await deps.history.lastAlertKinds(
    deps.pipeline,
    payload.alerts.map((a) => a.fingerprint),
  );
  const events = [];
  for (const alert of payload.alerts) {
    const event = alertEvent(alert, stages, now);
    // A resolved alert never said firing is not news either.
    const before = said.get(alert.fingerprint) ?? 'alert-resolved';
    if (before === event.kind) continue;
    said.set(alert.fingerprint, event.kind);
    events.push(event);
  }
  if (events.length === 0) return actionOk({ recorded: 0 });
  await deps.history.saveEvents(deps.pipeline, events);
  deps.announce({ topic: 'timeline', at: events.at(-1)!.at });
  await suggestIncident(deps, events, snapshot);
  return actionOk({ recorded: events.length });
}
