import type { Session } from './session';

/**
 * Whether a signed session still holds, as the database says (lib/store/sessions.ts), asked on
 * every authenticated request and kept cheap: each session's answer is reused for at most
 * `maxAgeMs` (1 s), so a sign-out or a cut-off made on another replica takes effect here within
 * 1 s; one made on this replica, at once. Lookups of one session share one query; a session found
 * revoked is remembered until it expires (no further queries for a replayed cookie).
 *
 * Fail closed: when the store does not answer (an error, or nothing within `timeoutMs`) the
 * verdict is 'unavailable', never 'valid'; for `failureHoldMs` after a failure every check says so
 * at once instead of queueing more queries behind a dead store.
 */
export type SessionVerdict = 'valid' | 'revoked' | 'unavailable';

export interface RevocationState {
  /** This session id was signed out. */
  revoked: boolean;
  /** The latest cut-off for the session's user or for everyone, in ms; sessions issued before it are over. */
  notBeforeMs: number | null;
}

export type RevocationLookup = (sid: string, name: string) => Promise<RevocationState>;

export interface RevocationCacheOptions {
  maxAgeMs: number;
  timeoutMs: number;
  failureHoldMs: number;
  /** Sessions remembered at most (answers and known revocations each), oldest forgotten first. */
  maxEntries: number;
}

export const revocationCacheDefaults: RevocationCacheOptions = {
  maxAgeMs: 1000,
  timeoutMs: 2000,
  failureHoldMs: 1000,
  maxEntries: 20_000,
};

type Checked = Pick<Session, 'sid' | 'name' | 'iat' | 'exp'>;

export class RevocationCache {
  private readonly answers = new Map<string, { atMs: number; state: RevocationState }>();
  private readonly inFlight = new Map<string, Promise<RevocationState | null>>();
  /** sid -> its expiry (ms): revoked here, or found revoked. */
  private readonly revoked = new Map<string, number>();
  /** Cut-offs made by this replica: user name -> ms; `everyone` for all. */
  private readonly cutOffs = new Map<string, number>();
  private everyoneNotBeforeMs = -Infinity;
  private failedAtMs = -Infinity;
  private readonly listeners = new Set<() => void>();
  private readonly options: RevocationCacheOptions;

  constructor(
    private readonly lookup: RevocationLookup,
    options: Partial<RevocationCacheOptions> = {},
    private readonly now: () => number = Date.now,
  ) {
    this.options = { ...revocationCacheDefaults, ...options };
  }

  check = async (session: Checked): Promise<SessionVerdict> => {
    const nowMs = this.now();
    if (session.exp * 1000 <= nowMs) return 'revoked';
    if (this.knownRevoked(session, nowMs)) return 'revoked';
    const cached = this.answers.get(session.sid);
    let state: RevocationState | null;
    if (cached && nowMs - cached.atMs < this.options.maxAgeMs) state = cached.state;
    else if (nowMs - this.failedAtMs < this.options.failureHoldMs) return 'unavailable';
    else state = await this.ask(session.sid, session.name);
    if (!state) return 'unavailable';
    // Asked again: something may have been revoked here while the query ran.
    if (this.knownRevoked(session, this.now())) return 'revoked';
    if (state.revoked || (state.notBeforeMs !== null && session.iat < state.notBeforeMs)) {
      this.remember(this.revoked, session.sid, session.exp * 1000);
      return 'revoked';
    }
    return 'valid';
  };

  /** This replica signed a session out (and stored it): refused here at once. */
  noteRevoked(session: Pick<Session, 'sid' | 'exp'>): void {
    this.remember(this.revoked, session.sid, session.exp * 1000);
    this.answers.delete(session.sid);
    this.announce();
  }

  /** This replica cut off every session of `userName` (null: of everyone) issued before `notBeforeMs`. */
  noteCutOff(userName: string | null, notBeforeMs: number): void {
    if (userName === null) this.everyoneNotBeforeMs = Math.max(this.everyoneNotBeforeMs, notBeforeMs);
    else this.remember(this.cutOffs, userName, Math.max(this.cutOffs.get(userName) ?? -Infinity, notBeforeMs));
    this.announce();
  }

  /** Called after every revocation made here (open streams re-check their session at once). */
  onRevocation(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private knownRevoked(session: Checked, nowMs: number): boolean {
    const until = this.revoked.get(session.sid);
    if (until !== undefined) {
      if (until > nowMs) return true;
      this.revoked.delete(session.sid);
    }
    const cut = Math.max(this.everyoneNotBeforeMs, this.cutOffs.get(session.name) ?? -Infinity);
    return session.iat < cut;
  }

  private ask(sid: string, name: string): Promise<RevocationState | null> {
    const pending = this.inFlight.get(sid);
    if (pending) return pending;
    let timer: NodeJS.Timeout | undefined;
    const asked = Promise.race([
      this.lookup(sid, name),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error('timed out')), this.options.timeoutMs);
      }),
    ])
      .then((state) => {
        this.remember(this.answers, sid, { atMs: this.now(), state });
        return state;
      })
      .catch(() => {
        this.failedAtMs = this.now();
        return null;
      })
      .finally(() => {
        clearTimeout(timer);
        this.inFlight.delete(sid);
      });
    this.inFlight.set(sid, asked);
    return asked;
  }

  private remember<V>(map: Map<string, V>, key: string, value: V): void {
    map.delete(key);
    map.set(key, value);
    while (map.size > this.options.maxEntries) map.delete(map.keys().next().value!);
  }

  private announce(): void {
    for (const listener of [...this.listeners]) {
      try {
        listener();
      } catch {
        /* a listener's failure is its own */
      }
    }
  }
}
