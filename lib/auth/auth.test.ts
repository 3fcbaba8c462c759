import { describe, expect, it } from 'vitest';
import { hasRole, isSameOrigin, readCookie } from './authenticate';
import { hashPassword, hashPasswordSync, hashToken, verifyPassword, verifyToken } from './password';
import { createHmac } from 'node:crypto';
import { createSession, createSessionValue, readSessionValue, sessionCookieHeader } from './session';

describe('passwords and tokens', () => {
  it('verifies the right password only, for both hash functions', async () => {
    for (const hash of [await hashPassword('correct horse'), hashPasswordSync('correct horse')]) {
      expect(hash).toMatch(/^scrypt\$ln=16,r=8,p=1\$[A-Za-z0-9_-]+\$[A-Za-z0-9_-]+$/);
      expect(hash).not.toContain('correct horse');
      expect(await verifyPassword('correct horse', hash)).toBe(true);
      expect(await verifyPassword('correct horsf', hash)).toBe(false);
    }
    expect(await verifyPassword('x', 'plain-text')).toBe(false);
    // A cost that would take the process down is refused, not attempted.
    expect(await verifyPassword('x', 'scrypt$ln=30,r=8,p=1$AAAA$AAAA')).toBe(false);
  });
  it('still verifies hashes written before the cost was raised (no parameters: 2^14)', async () => {
    const legacy = (await import('node:crypto')).scryptSync('old secret', Buffer.from('salt-salt-salt-1'), 32);
    const stored = `scrypt$${Buffer.from('salt-salt-salt-1').toString('base64url')}$${legacy.toString('base64url')}`;
    expect(await verifyPassword('old secret', stored)).toBe(true);
    expect(await verifyPassword('old secreT', stored)).toBe(false);
  });

  it('verifies API tokens by their SHA-256', () => {
    const stored = hashToken('tok-123');
    expect(verifyToken('tok-123', stored)).toBe(true);
    expect(verifyToken('tok-124', stored)).toBe(false);
  });
});

describe('session cookie', () => {
  const secret = 'a'.repeat(32);
  it('round-trips and refuses tampering, another secret and expiry', () => {
    const value = createSessionValue('olivia', 'operator', secret, 0);
    expect(readSessionValue(value, secret, 1000)).toMatchObject({ name: 'olivia', role: 'operator' });
    const [payload, sig] = value.split('.');
    const forged = Buffer.from(JSON.stringify({ name: 'olivia', role: 'admin', exp: 9e9 })).toString('base64url');
    expect(readSessionValue(`${forged}.${sig}`, secret, 1000)).toBeNull();
    expect(readSessionValue(`${payload}.${sig}x`, secret, 1000)).toBeNull();
    expect(readSessionValue(value, 'b'.repeat(32), 1000)).toBeNull();
    expect(readSessionValue(value, secret, 13 * 3600 * 1000)).toBeNull();
    expect(readSessionValue(undefined, secret)).toBeNull();
    expect(readSessionValue('garbage', secret)).toBeNull();
  });

  it('gives every session its own random id and its issue time in ms', () => {
    const a = createSession('olivia', 'operator', secret, 1_700_000_000_123);
    const b = createSession('olivia', 'operator', secret, 1_700_000_000_123);
    expect(a.session.sid).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(a.session.sid).not.toBe(b.session.sid);
    expect(a.value).not.toBe(b.value);
    expect(readSessionValue(a.value, secret, 1_700_000_001_000)).toEqual({
      sid: a.session.sid,
      name: 'olivia',
      role: 'operator',
      iat: 1_700_000_000_123,
      exp: 1_700_000_000 + 12 * 3600,
    });
  });

  it('refuses a correctly signed cookie from before revocable sessions (no sid), or with a malformed sid or iat', () => {
    const signed = (payload: object) => {
      const p = Buffer.from(JSON.stringify(payload)).toString('base64url');
      return `${p}.${createHmac('sha256', secret).update(p).digest('base64url')}`;
    };
    const exp = 2_000_000_000;
    expect(readSessionValue(signed({ name: 'olivia', role: 'operator', exp }), secret, 1000)).toBeNull();
    expect(readSessionValue(signed({ sid: 'short', name: 'olivia', iat: 1, exp }), secret, 1000)).toBeNull();
    expect(readSessionValue(signed({ sid: 'a'.repeat(22), name: 'olivia', exp }), secret, 1000)).toBeNull();
    expect(readSessionValue(signed({ sid: 'a'.repeat(22), name: 'olivia', iat: 'x', exp }), secret, 1000)).toBeNull();
    expect(readSessionValue(signed({ sid: 'a'.repeat(22), name: 'olivia', iat: 1, exp }), secret, 1000)).toMatchObject({
      sid: 'a'.repeat(22),
    });
    expect(readSessionValue(`${signed({ sid: 'a'.repeat(22), name: 'o', iat: 1, exp })}.x`, secret, 1000)).toBeNull();
  });

  it('writes and clears the cookie with the same attributes', () => {
    expect(sessionCookieHeader('v.s', false)).toBe(
      'warroom_session=v.s; Path=/; HttpOnly; SameSite=Strict; Max-Age=43200',
    );
    expect(sessionCookieHeader(null, true)).toBe(
      'warroom_session=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0; Secure',
    );
  });
});

describe('roles and requests', () => {
  it.each([
    ['viewer', 'viewer', true],
    ['viewer', 'operator', false],
    ['operator', 'operator', true],
    ['admin', 'operator', true],
    ['operator', 'admin', false],
  ] as const)('%s has %s: %s', (role, needed, expected) => {
    expect(hasRole({ role }, needed)).toBe(expected);
  });

  it.each([
    [{ origin: 'http://127.0.0.1:3000', host: '127.0.0.1:3000' }, true],
    [{ origin: 'http://evil.example', host: '127.0.0.1:3000' }, false],
    [{ origin: 'null', host: '127.0.0.1:3000' }, false],
    [{ 'sec-fetch-site': 'cross-site', host: '127.0.0.1:3000' }, false],
    [{ 'sec-fetch-site': 'same-origin', host: '127.0.0.1:3000' }, true],
    [{ host: '127.0.0.1:3000' }, true],
  ])('same origin for %j: %s', (h, expected) => {
    expect(isSameOrigin(new Headers(h as Record<string, string>), 'http://127.0.0.1:3000/api/actions/scale')).toBe(
      expected,
    );
  });

  it('reads one cookie among several', () => {
    expect(readCookie('a=1; warroom_session=x.y%3D; b=2', 'warroom_session')).toBe('x.y=');
    expect(readCookie(null, 'a')).toBeUndefined();
    expect(readCookie('warroom_session=%E0%A4%A', 'warroom_session')).toBeUndefined();
    expect(readCookie('warroom_session=%', 'warroom_session')).toBeUndefined();
  });
});
