import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { ensureDir, type StackLayout } from './paths';

/**
 * Credentials for the local stack, made once per state folder and kept there (mode 0600), so
 * nothing secret is committed and the dashboard's "never send secrets to the browser" rule is
 * tested against real, non-default values.
 */
export interface StackSecrets {
  rabbitUser: string;
  rabbitPassword: string;
  postgresPassword: string;
  nomadToken: string;
  /** Signs the dashboard's session cookies. */
  sessionSecret: string;
  /** The demo's users (name -> password), one per role. */
  users: { admin: string; operator: string; viewer: string };
}

const fresh = (): StackSecrets => ({
  rabbitUser: 'warroom',
  rabbitPassword: randomBytes(12).toString('hex'),
  postgresPassword: randomBytes(12).toString('hex'),
  nomadToken: crypto.randomUUID(),
  sessionSecret: randomBytes(32).toString('base64url'),
  users: {
    admin: randomBytes(9).toString('base64url'),
    operator: randomBytes(9).toString('base64url'),
    viewer: randomBytes(9).toString('base64url'),
  },
});

export function stackSecrets(layout: StackLayout): StackSecrets {
  const file = path.join(ensureDir(layout.stateDir), 'secrets.json');
  const existing = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as Partial<StackSecrets>) : null;
  // Keep what exists (the servers were initialised with it); add what a newer version needs.
  const secrets = { ...fresh(), ...existing } as StackSecrets;
  if (!existing || Object.keys(secrets).some((k) => !(k in existing)))
    writeFileSync(file, JSON.stringify(secrets, null, 2), { mode: 0o600 });
  return secrets;
}
