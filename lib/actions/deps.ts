import 'server-only';
import type { WarroomConfig } from '../config/schema';
import { getPoller } from '../poller';
import { createNomadClient } from '../sources/nomad/client';
import { auditLog } from '../store/audit-log';
import { getDb } from '../store';
import type { ScaleDeps } from './scale-group';

/** The real dependencies of the scale action: Nomad from the configuration, the store, the live snapshot. */
export async function scaleDeps(config: WarroomConfig): Promise<ScaleDeps | null> {
  if (!config.sources.nomad) return null;
  const nomad = createNomadClient({
    url: config.sources.nomad.url,
    token: config.sources.nomad.token,
    namespace: config.sources.nomad.namespace,
    timeoutMs: 3000,
  });
  const audit = auditLog(await getDb());
  return {
    config,
    nomad,
    audit,
    queueFor(job, group) {
      const { poller } = getPoller();
      const snapshot = poller?.snapshot();
      const stage = snapshot?.stages.find((s) => s.workers?.job === job && s.workers.group === group);
      const queue = stage?.consumesFrom ? snapshot?.stages.find((s) => s.id === stage.consumesFrom)?.queue : undefined;
      if (!stage || !queue) return null;
      const perConsumerPerSec =
        queue.deliverRate && queue.consumers > 0
          ? queue.deliverRate / queue.consumers
          : stage.latency?.p50Ms
            ? 1000 / stage.latency.p50Ms
            : null;
      return { ready: queue.ready, arrivalPerSec: queue.publishRate, perConsumerPerSec };
    },
  };
}
