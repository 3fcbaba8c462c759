import type { Role } from '../contracts/viewer';
import type { WarroomConfig } from '../config/schema';
import { verifyToken } from './password';
import type { SessionVerdict } from './revocations';
import { readSessionValue, sessionCookie, type Session } from './session';

/**
 * Who is asking: a signed session cookie, an API token (Authorization: Bearer), or, when the
 * configuration allows it, an anonymous viewer. Roles are ordered viewer < operator < admin.
 */
export interface User {
  name: string;
  role: Role;
  via: 'session' | 'token' | 'anonymous';
  /** The signed session a cookie carried (via 'session' only): what revocation checks and sign-out revoke. */
  session?: Session;
}

const rank: Record<Role, number> = { viewer: 0, operator: 1, admin: 2 };

export function hasRole(user: Pick<User, 'role'>, needed: Role): boolean {
  return rank[user.role] >= rank[needed];
}

export function readCookie(header: string | null, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k !== name) continue;
    // A malformed escape (`%E0%A4%A`) is a cookie nobody signed, not a server error.
    try {
      return decodeURIComponent(v.join('='));
    } catch {
      return undefined;
    }
  }
  return undefined;
}

export function userFromSessionValue(value: string | undefined, config: WarroomConfig): User | null {
  const auth = config.auth;
  if (!auth) return null;
  const session = readSessionValue(value, auth.sessionSecret);
  if (!session) return null;
  // The user must still exist; the role is the file's: removing someone from it signs them out.
  const user = auth.users.find((u) => u.name === session.name);
  return user ? { name: user.name, role: user.role, via: 'session', session } : null;
}

/** The signed, unexpired session the request's cookie carries, whether or not it was revoked since. */
export function sessionOf(headers: Headers, config: WarroomConfig): Session | null {
  return readSessionValue(readCookie(headers.get('cookie'), sessionCookie), config.auth.sessionSecret);
}

export function authenticate(headers: Headers, config: WarroomConfig): User | null {
  const auth = config.auth;
  if (!auth) return null;
  const bearer = headers.get('authorization');
  if (bearer?.startsWith('Bearer ')) {
    const token = bearer.slice('Bearer '.length).trim();
    const user = auth.users.find((u) => u.tokenHash && verifyToken(token, u.tokenHash));
    return user ? { name: user.name, role: user.role, via: 'token' } : null;
  }
  const fromCookie = userFromSessionValue(readCookie(headers.get('cookie'), sessionCookie), config);
  if (fromCookie) return fromCookie;
  return anonymousOrNull(config);
}

const anonymousOrNull = (config: WarroomConfig): User | null =>
  config.auth.anonymousRead ? { name: 'anonymous', role: 'viewer', via: 'anonymous' } : null;

/**
 * `authenticate`, then whether a session still holds (lib/auth/revocations.ts). A revoked or
 * cut-off session is a stranger, as if there were no cookie (anonymous where `anonymousRead`
 * allows it); a session that cannot be checked because the store does not answer is
 * 'unavailable': neither trusted nor downgraded, the caller refuses the request (fail closed).
 */
export async function authenticateChecked(
  headers: Headers,
  config: WarroomConfig,
  check: (session: Session) => Promise<SessionVerdict>,
): Promise<User | null | 'unavailable'> {
  const user = authenticate(headers, config);
  if (user?.via !== 'session' || !user.session) return user;
  const verdict = await check(user.session);
  if (verdict === 'valid') return user;
  return verdict === 'unavailable' ? 'unavailable' : anonymousOrNull(config);
}

/**
 * Cross-site request protection for cookie-authenticated writes (on top of SameSite=Strict): the
 * Origin must be this server's, or the browser must say the request is same-origin.
 */
export function isSameOrigin(headers: Headers, requestUrl: string): boolean {
  const origin = headers.get('origin');
  const host = headers.get('x-forwarded-host') ?? headers.get('host');
  if (origin) {
    try {
      return host !== null && new URL(origin).host === host;
    } catch {
      return false;
    }
  }
  const site = headers.get('sec-fetch-site');
  if (site) return site === 'same-origin';
  // No Origin and no Fetch Metadata: not a browser's cross-site form post; compare the URL's host.
  return host !== null && new URL(requestUrl).host === host;
}
