import 'server-only';
import { serverEnv, rawEnv } from '../env';
import { ConfigError, loadConfigFile } from './load-config';
import type { WarroomConfig } from './schema';

export type ConfigState =
  | { status: 'loaded'; file: string; config: WarroomConfig }
  | { status: 'missing' }
  | { status: 'invalid'; file: string; error: string };

/** Reads WARROOM_CONFIG on each call: the file is small, and an edit shows without a restart. */
export function currentConfig(): ConfigState {
  const file = serverEnv().WARROOM_CONFIG;
  if (!file) return { status: 'missing' };
  try {
    return { status: 'loaded', file, config: loadConfigFile(file, rawEnv()) };
  } catch (err) {
    if (err instanceof ConfigError) return { status: 'invalid', file, error: err.message };
    throw err;
  }
}
