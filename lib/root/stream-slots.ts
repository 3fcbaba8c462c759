/**
 * Open event streams (GET /api/stream) counted per client and in total, per process: each open
 * stream holds a connection, timers and a buffer, so a client opening tabs (or a script opening
 * connections) cannot exhaust the dashboard. A client is the signed-in name (every tab and device
 * of a person together), or the address for anonymous viewers. N replicas allow N times the total.
 */
export interface StreamLimits {
  /** Open streams per client: a person rarely has more than a few tabs on the dashboard. */
  perClient: number;
  /** Open streams in this process. */
  total: number;
}

export const defaultStreamLimits: StreamLimits = { perClient: 8, total: 2000 };

export type SlotGrant = { ok: true; release: () => void } | { ok: false; refused: 'client' | 'total'; limit: number };

export class StreamSlots {
  private readonly byClient = new Map<string, number>();
  private openCount = 0;

  constructor(readonly limits: StreamLimits = defaultStreamLimits) {}

  /** A slot for `client`, released once (later calls do nothing), or which limit refused it. */
  acquire(client: string): SlotGrant {
    const mine = this.byClient.get(client) ?? 0;
    if (mine >= this.limits.perClient) return { ok: false, refused: 'client', limit: this.limits.perClient };
    if (this.openCount >= this.limits.total) return { ok: false, refused: 'total', limit: this.limits.total };
    this.byClient.set(client, mine + 1);
    this.openCount++;
    let released = false;
    return {
      ok: true,
      release: () => {
        if (released) return;
        released = true;
        this.openCount--;
        const left = (this.byClient.get(client) ?? 1) - 1;
        if (left > 0) this.byClient.set(client, left);
        else this.byClient.delete(client);
      },
    };
  }

  get open(): number {
    return this.openCount;
  }

  openFor(client: string): number {
    return this.byClient.get(client) ?? 0;
  }
}

const key = Symbol.for('warroom.stream-slots');

/** This process's slots (on globalThis, like the app, so a module reload in development keeps the count). */
export function processStreamSlots(): StreamSlots {
  const g = globalThis as typeof globalThis & { [key]?: StreamSlots };
  g[key] ??= new StreamSlots();
  return g[key];
}
