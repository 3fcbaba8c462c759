import { statSync } from 'node:fs';
import { ConfigError, loadConfigFile } from './load-config';

/**
 * Whether the configuration loads, checked cheaply enough for every request: the file is parsed
 * again only when its modification time or size changes. Shared through globalThis, so the proxy
 * and the routes (separate bundles in one process) see one answer and log a problem once.
 */
export type ConfigProblem = { kind: 'missing' | 'invalid'; detail: string } | null;

interface Cached {
  key: string;
  problem: ConfigProblem;
}

const cacheKey = Symbol.for('warroom.config-state');
type GlobalWithCache = typeof globalThis & { [cacheKey]?: Cached };

export function configProblem(file: string | undefined, env: Record<string, string | undefined>): ConfigProblem {
  if (!file) return { kind: 'missing', detail: 'No configuration: set WARROOM_CONFIG (see README).' };
  let key: string;
  try {
    const stat = statSync(file);
    key = `${file}:${stat.mtimeMs}:${stat.size}`;
  } catch (err) {
    key = `${file}:${(err as NodeJS.ErrnoException).code ?? 'unreadable'}`;
  }
  const g = globalThis as GlobalWithCache;
  if (g[cacheKey]?.key === key) return g[cacheKey].problem;
  let problem: ConfigProblem = null;
  try {
    loadConfigFile(file, env);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    problem = { kind: 'invalid', detail: err.message };
    // For whoever runs the server; what is sent to callers never says more than "not configured".
    console.error(`configuration: ${err.message}`);
  }
  g[cacheKey] = { key, problem };
  return problem;
}
