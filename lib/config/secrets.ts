import { urlSecrets } from '../format/redact';
import type { WarroomConfig } from './schema';

/**
 * Every secret the configuration holds (source passwords and tokens, credentials inside source
 * URLs, the session secret): what the process redacts from anything it writes or sends.
 */
export function configSecrets(config: WarroomConfig): string[] {
  const { rabbitmq, prometheus, nomad } = config.sources;
  return [
    ...urlSecrets(rabbitmq?.managementUrl),
    ...urlSecrets(rabbitmq?.amqpUrl),
    rabbitmq?.password,
    rabbitmq?.password ? `${rabbitmq.username ?? 'guest'}:${rabbitmq.password}` : undefined,
    ...urlSecrets(prometheus?.url),
    prometheus?.bearerToken,
    ...urlSecrets(nomad?.url),
    nomad?.token,
    config.auth.sessionSecret,
    // An incoming webhook's URL is its credential: the whole of it, and its path alone.
    ...(config.notify?.webhooks ?? []).flatMap((w) => [
      w.url,
      new URL(w.url).pathname.length > 8 ? new URL(w.url).pathname : undefined,
    ]),
  ].filter((s): s is string => Boolean(s));
}
