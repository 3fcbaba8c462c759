import { randomBytes } from 'node:crypto';
import { hashPassword, hashToken } from '../lib/auth/password';

/**
 * `npm run hash-password -- <password>` prints a passwordHash for the configuration file;
 * `npm run hash-password -- --token` makes a random API token and prints it with its tokenHash.
 */
const arg = process.argv[2];
if (!arg) {
  console.error('usage: npm run hash-password -- <password> | --token');
  process.exit(2);
}
if (arg === '--token') {
  const token = randomBytes(24).toString('base64url');
  console.log(`token (give it to the script, once): ${token}`);
  console.log(`tokenHash (put it in the configuration): ${hashToken(token)}`);
} else {
  console.log(await hashPassword(arg));
}
