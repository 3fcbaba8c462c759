import { AlertmanagerWebhook, AlertsReceived } from '@/lib/contracts/alertmanager';
import { receiveAlerts } from '@/lib/incidents/commands/receive-alerts';
import { route } from '@/lib/root/gate';

export const dynamic = 'force-dynamic';

/**
 * Alertmanager's webhook receiver: its alerts go on the timeline. Called with an API token of an
 * operator (Alertmanager's `http_config.authorization.credentials`).
 */
export const POST = route(
  {
    name: 'receiving alerts',
    access: 'operator',
    body: AlertmanagerWebhook,
    maxBodyBytes: 1024 * 1024,
    response: AlertsReceived,
  },
  async ({ app, body }) => {
    const stages = app.config.pipeline.stages.map((s) => ({ id: s.id, queue: s.queue?.name, nomadJob: s.nomad?.job }));
    return receiveAlerts(await app.incidentDeps(), stages, app.live.snapshot(), body);
  },
);
