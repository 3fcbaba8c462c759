import { EventEmitter } from 'node:events';

/**
 * Changes other open pages should hear about at once: an incident opened, changed or noted, new
 * timeline events stored. One emitter per server process, on globalThis (route modules may be
 * bundled apart); /api/stream forwards it to every browser.
 */
export type Change = { topic: 'incident'; incidentId: number } | { topic: 'timeline'; at: string };

const key = Symbol.for('warroom.changes');
type GlobalWithBus = typeof globalThis & { [key]?: EventEmitter };

export function changes(): EventEmitter {
  const g = globalThis as GlobalWithBus;
  if (!g[key]) {
    g[key] = new EventEmitter();
    g[key].setMaxListeners(0);
  }
  return g[key];
}

export function announce(change: Change): void {
  changes().emit('change', change);
}
