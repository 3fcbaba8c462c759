import { randomBytes, scrypt as scryptCb, scryptSync, timingSafeEqual, createHash } from 'node:crypto';
import { promisify } from 'node:util';

/**
 * Password and token hashes for the configuration file: scrypt for passwords
 * (`scrypt$<salt>$<hash>`, base64url), SHA-256 for long random API tokens (`sha256$<hex>`).
 * Plain-text secrets never appear in the configuration.
 */
type ScryptOptions = { N: number; r: number; p: number; maxmem: number };
const scrypt = promisify(scryptCb) as (
  password: string,
  salt: Buffer,
  keylen: number,
  options: ScryptOptions,
) => Promise<Buffer>;
const keyLength = 32;

/**
 * The cost of new hashes: N = 2^16, r = 8, p = 1 (64 MiB and ~0.1-0.2 s per hash; the current
 * OWASP guidance for scrypt starts at 2^17 with 128 MiB, halved here because sign-ins hash
 * concurrently and the dashboard shares its machine). Hashes written before carry no parameters
 * and were made with Node's default, 2^14.
 */
export const scryptCost = { log2N: 16, r: 8, p: 1 };
const legacyCost = { log2N: 14, r: 8, p: 1 };

const optionsFor = (cost: { log2N: number; r: number; p: number }): ScryptOptions => ({
  N: 2 ** cost.log2N,
  r: cost.r,
  p: cost.p,
  // scrypt needs 128 * N * r bytes; leave room over it.
  maxmem: 256 * 2 ** cost.log2N * cost.r + 1024 * 1024,
});

const format = (cost: typeof scryptCost, salt: Buffer, hash: Buffer) =>
  `scrypt$ln=${cost.log2N},r=${cost.r},p=${cost.p}$${salt.toString('base64url')}$${hash.toString('base64url')}`;

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  return format(scryptCost, salt, await scrypt(password, salt, keyLength, optionsFor(scryptCost)));
}

/** The same format, for scripts that write configuration files. */
export function hashPasswordSync(password: string): string {
  const salt = randomBytes(16);
  return format(scryptCost, salt, scryptSync(password, salt, keyLength, optionsFor(scryptCost)));
}

function parseHash(stored: string): { cost: typeof scryptCost; salt: Buffer; hash: Buffer } | null {
  const parts = stored.split('$');
  if (parts[0] !== 'scrypt') return null;
  if (parts.length === 3 && parts[1] && parts[2])
    return { cost: legacyCost, salt: Buffer.from(parts[1], 'base64url'), hash: Buffer.from(parts[2], 'base64url') };
  const params = /^ln=(\d{1,2}),r=(\d{1,2}),p=(\d{1,2})$/.exec(parts[1] ?? '');
  if (parts.length !== 4 || !params || !parts[2] || !parts[3]) return null;
  const cost = { log2N: Number(params[1]), r: Number(params[2]), p: Number(params[3]) };
  // A hash from a file is input too: refuse costs that would take the process down.
  if (cost.log2N < 10 || cost.log2N > 20 || cost.r < 1 || cost.r > 16 || cost.p < 1 || cost.p > 4) return null;
  return { cost, salt: Buffer.from(parts[2], 'base64url'), hash: Buffer.from(parts[3], 'base64url') };
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parsed = parseHash(stored);
  if (!parsed || parsed.hash.length === 0) return false;
  const actual = await scrypt(password, parsed.salt, parsed.hash.length, optionsFor(parsed.cost));
  return actual.length === parsed.hash.length && timingSafeEqual(actual, parsed.hash);
}

export function hashToken(token: string): string {
  return `sha256$${createHash('sha256').update(token).digest('hex')}`;
}

export function verifyToken(token: string, stored: string): boolean {
  const a = Buffer.from(hashToken(token));
  const b = Buffer.from(stored);
  return a.length === b.length && timingSafeEqual(a, b);
}
