import type { PublicSource } from '../contracts/views';
import { sourceKinds, type WarroomConfig } from './schema';

export function stripCredentials(raw: string): string {
  const u = new URL(raw);
  u.username = '';
  u.password = '';
  return u.toString().replace(/\/$/, '');
}

export function publicSources(config: WarroomConfig): PublicSource[] {
  return sourceKinds.map((kind): PublicSource => {
    const s = config.sources;
    switch (kind) {
      case 'rabbitmq':
        return s.rabbitmq
          ? {
              kind,
              configured: true,
              url: stripCredentials(s.rabbitmq.managementUrl),
              authenticated: Boolean(s.rabbitmq.password),
              detail: `vhost ${s.rabbitmq.vhost}${s.rabbitmq.amqpUrl ? ', AMQP checks on' : ''}`,
            }
          : { kind, configured: false, url: null, authenticated: false, detail: null };
      case 'prometheus':
        return s.prometheus
          ? {
              kind,
              configured: true,
              url: stripCredentials(s.prometheus.url),
              authenticated: Boolean(s.prometheus.bearerToken),
              detail: null,
            }
          : { kind, configured: false, url: null, authenticated: false, detail: null };
      case 'nomad':
        return s.nomad
          ? {
              kind,
              configured: true,
              url: stripCredentials(s.nomad.url),
              authenticated: Boolean(s.nomad.token),
              detail: `namespace ${s.nomad.namespace}`,
            }
          : { kind, configured: false, url: null, authenticated: false, detail: null };
    }
  });
}
