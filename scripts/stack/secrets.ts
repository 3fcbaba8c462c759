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
}

export function stackSecrets(layout: StackLayout): StackSecrets {
  const file = path.join(ensureDir(layout.stateDir), 'secrets.json');
  if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8')) as StackSecrets;
  const secrets: StackSecrets = {
    rabbitUser: 'warroom',
    rabbitPassword: randomBytes(12).toString('hex'),
    postgresPassword: randomBytes(12).toString('hex'),
    nomadToken: crypto.randomUUID(),
  };
  writeFileSync(file, JSON.stringify(secrets, null, 2), { mode: 0o600 });
  return secrets;
}
