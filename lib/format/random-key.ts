/**
 * A random key for one user intent (an idempotency key). crypto.getRandomValues works in every
 * browser context; crypto.randomUUID only in secure ones (HTTPS or localhost), and warroom is
 * often opened over plain HTTP inside a private network.
 */
export function randomKey(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}
