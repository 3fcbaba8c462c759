import type { AlertmanagerAlert } from '../contracts/alertmanager';
import type { TimelineEvent } from '../contracts/timeline';

/**
 * Alertmanager's alerts as timeline events. Pure. An alert is placed on a stage by its labels:
 * `warroom_stage` (the stage id), else `queue` (a queue stage's queue), else `job` or `nomad_job`
 * (a workers stage's Nomad job); otherwise it is pipeline-wide. Its fingerprint ends the message,
 * which is how a repeated notification is recognised as a state already said.
 */
export interface AlertStage {
  id: string;
  queue?: string;
  nomadJob?: string;
}

export const fingerprintTag = (fingerprint: string) => `(fingerprint ${fingerprint})`;

export function stageOfAlert(labels: Record<string, string>, stages: AlertStage[]): string | null {
  const by = (f: (s: AlertStage) => boolean) => stages.find(f)?.id ?? null;
  if (labels.warroom_stage) return by((s) => s.id === labels.warroom_stage);
  if (labels.queue) {
    const found = by((s) => s.queue === labels.queue);
    if (found) return found;
  }
  const job = labels.nomad_job ?? labels.job;
  return job ? by((s) => s.nomadJob === job) : null;
}

/** A time Alertmanager sends as "not set" (0001-01-01) or not at all: `now` instead. */
function timeOr(value: string | undefined, now: string): string {
  const ms = value ? Date.parse(value) : Number.NaN;
  return Number.isFinite(ms) && ms > Date.parse('2000-01-01T00:00:00Z') ? new Date(ms).toISOString() : now;
}

export function alertEvent(alert: AlertmanagerAlert, stages: AlertStage[], now: string): TimelineEvent {
  const name = alert.labels.alertname ?? 'alert';
  const severity = alert.labels.severity ? ` [${alert.labels.severity}]` : '';
  const text = alert.annotations.summary ?? alert.annotations.description ?? '';
  const firing = alert.status === 'firing';
  return {
    at: firing ? timeOr(alert.startsAt, now) : timeOr(alert.endsAt, now),
    kind: firing ? 'alert-firing' : 'alert-resolved',
    stageId: stageOfAlert(alert.labels, stages),
    message: `Alert ${firing ? 'firing' : 'resolved'}: ${name}${severity}${text ? `: ${text}` : ''} ${fingerprintTag(alert.fingerprint)}`,
  };
}
