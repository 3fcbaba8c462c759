import 'server-only';
import { RevocationCache, type SessionVerdict } from '../auth/revocations';
import type { Session } from '../auth/session';
import { sessionStore, type SessionCutoff } from '../store/sessions';
import type { App } from './app';

/**
 * Session revocation for one application: the revocation cache every authenticated request
 * consults (lib/auth/revocations.ts: at most 1 s behind the database, fail closed), and sign-out
 * and cut-offs, stored for every replica and in force on this one at once. One per App (kept
 * beside it rather than on it, until the composition root builds it: see `sessionsOf`).
 */
export interface Sessions {
  check(session: Session): Promise<SessionVerdict>;
  /** Signs one session out; rejects when the store does not take it (the session then still holds). */
  revoke(session: Session): Promise<void>;
  /** Ends every session of `userName` (null: of everyone) issued before now, recorded with who and why. */
  cutOff(entry: { userName: string | null; actor: string; actorRole: string; reason: string }): Promise<SessionCutoff>;
  /** Called after every revocation made by this replica. */
  onRevocation(listener: () => void): () => void;
}

const byApp = new WeakMap<App, Sessions>();

export function sessionsOf(app: App): Sessions {
  const known = byApp.get(app);
  if (known) return known;
  const store = async () => sessionStore((await app.stores()).db);
  const cache = new RevocationCache(async (sid, name) => (await store()).state(sid, name));
  const sessions: Sessions = {
    check: cache.check,
    async revoke(session) {
      await (await store()).revoke({ sid: session.sid, name: session.name, expiresAtMs: session.exp * 1000 });
      cache.noteRevoked(session);
    },
    async cutOff(entry) {
      const notBeforeMs = Date.now();
      const row = await (await store()).cutOff({ ...entry, notBeforeMs });
      cache.noteCutOff(entry.userName, notBeforeMs);
      return row;
    },
    onRevocation: (listener) => cache.onRevocation(listener),
  };
  byApp.set(app, sessions);
  return sessions;
}
