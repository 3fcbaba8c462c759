import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Role } from '../contracts/viewer';

/**
 * The session cookie: `<payload>.<signature>`, payload base64url JSON {sid, name, role, iat, exp},
 * signed with HMAC-SHA256 under the configured secret. The signature proves who issued it; whether
 * it still holds is the database's say (lib/store/sessions.ts): a signed-out `sid`, or an issue
 * time (`iat`, ms) before a cut-off for its user or for everyone, ends it before `exp` (s). A
 * changed secret signs everyone out. Cookies without a sid (issued before sessions could be
 * revoked) are refused: everyone signs in again once.
 */
export const sessionCookie = 'warroom_session';
export const sessionMaxAgeSec = 12 * 3600;

export interface Session {
  /** 128 random bits, base64url: what a sign-out revokes. */
  sid: string;
  name: string;
  role: Role;
  /** Issued at, in ms since the epoch (the issuing replica's clock). */
  iat: number;
  /** Expires at, in s since the epoch. */
  exp: number;
}

const sidPattern = /^[A-Za-z0-9_-]{22}$/;

function sign(payload: string, secret: string): string {
  return createHmac('sha256', secret).update(payload).digest('base64url');
}

export function newSessionId(): string {
  return randomBytes(16).toString('base64url');
}

/** A new session and its cookie value. */
export function createSession(
  name: string,
  role: Role,
  secret: string,
  nowMs = Date.now(),
): { session: Session; value: string } {
  const session: Session = {
    sid: newSessionId(),
    name,
    role,
    iat: nowMs,
    exp: Math.floor(nowMs / 1000) + sessionMaxAgeSec,
  };
  const payload = Buffer.from(JSON.stringify(session)).toString('base64url');
  return { session, value: `${payload}.${sign(payload, secret)}` };
}

export function createSessionValue(name: string, role: Role, secret: string, nowMs = Date.now()): string {
  return createSession(name, role, secret, nowMs).value;
}

/** The session a cookie carries when its signature holds and it has not expired; revocation is checked elsewhere. */
export function readSessionValue(value: string | undefined, secret: string, nowMs = Date.now()): Session | null {
  if (!value) return null;
  const [payload, signature, extra] = value.split('.');
  if (!payload || !signature || extra !== undefined) return null;
  const expected = Buffer.from(sign(payload, secret));
  const actual = Buffer.from(signature);
  if (expected.length !== actual.length || !timingSafeEqual(expected, actual)) return null;
  try {
    const s = JSON.parse(Buffer.from(payload, 'base64url').toString()) as Partial<Session>;
    if (
      typeof s.sid !== 'string' ||
      !sidPattern.test(s.sid) ||
      typeof s.name !== 'string' ||
      typeof s.iat !== 'number' ||
      !Number.isFinite(s.iat) ||
      typeof s.exp !== 'number' ||
      !Number.isFinite(s.exp) ||
      s.exp * 1000 < nowMs
    )
      return null;
    return { sid: s.sid, name: s.name, role: s.role as Role, iat: s.iat, exp: s.exp };
  } catch {
    return null;
  }
}

/** The Set-Cookie value that stores a session, or (value null) removes it. */
export function sessionCookieHeader(value: string | null, secure: boolean): string {
  return [
    `${sessionCookie}=${value ?? ''}`,
    'Path=/',
    'HttpOnly',
    'SameSite=Strict',
    `Max-Age=${value === null ? 0 : sessionMaxAgeSec}`,
    secure ? 'Secure' : '',
  ]
    .filter(Boolean)
    .join('; ');
}
