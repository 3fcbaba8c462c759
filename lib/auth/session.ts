import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Role } from '../contracts/viewer';

/**
 * The session cookie: `<payload>.<signature>`, payload base64url JSON {name, role, exp}, signed
 * with HMAC-SHA256 under the configured secret. Stateless, so a restart keeps people signed in;
 * a changed secret signs everyone out.
 */
export const sessionCookie = 'warroom_session';
export const sessionMaxAgeSec = 12 * 3600;

export interface Session {
  name: string;
  role: Role;
  exp: number;
}

function sign(payload: string, secret: string): string {
  return createHmac('sha256', secret).update(payload).digest('base64url');
}

export function createSessionValue(name: string, role: Role, secret: string, nowMs = Date.now()): string {
  const payload = Buffer.from(
    JSON.stringify({ name, role, exp: Math.floor(nowMs / 1000) + sessionMaxAgeSec }),
  ).toString('base64url');
  return `${payload}.${sign(payload, secret)}`;
}

export function readSessionValue(value: string | undefined, secret: string, nowMs = Date.now()): Session | null {
  if (!value) return null;
  const [payload, signature] = value.split('.');
  if (!payload || !signature) return null;
  const expected = Buffer.from(sign(payload, secret));
  const actual = Buffer.from(signature);
  if (expected.length !== actual.length || !timingSafeEqual(expected, actual)) return null;
  try {
    const session = JSON.parse(Buffer.from(payload, 'base64url').toString()) as Session;
    if (typeof session.name !== 'string' || typeof session.exp !== 'number' || session.exp * 1000 < nowMs) return null;
    return session;
  } catch {
    return null;
  }
}
