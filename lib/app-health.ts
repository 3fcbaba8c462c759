import 'server-only';
import { currentConfig } from './config';

const startedAtMs = Date.now();

/** Liveness of the dashboard process itself, and whether its configuration loads. */
export function appHealth() {
  const config = currentConfig();
  return {
    status: 'ok' as const,
    startedAt: new Date(startedAtMs).toISOString(),
    uptimeSec: Math.round((Date.now() - startedAtMs) / 1000),
    config: config.status,
    pipeline: config.status === 'loaded' ? config.config.pipeline.name : null,
  };
}
