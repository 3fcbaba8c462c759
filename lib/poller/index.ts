import 'server-only';
import { currentConfig } from '../config';
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
    return { poller: null, error: state.status === 'missing' ? 'No configuration: set WARROOM_CONFIG (see README).' : state.error };
  }
  const poller = new Poller(state.config);
  poller.start();
  g[key] = poller;
  return { poller, error: null };
}
