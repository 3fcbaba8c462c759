/**
 * Secrets out of text that leaves the server (snapshots, history, the audit log, log lines,
 * responses). Two passes: known secret values (passwords, tokens, the database URL's password)
 * in the forms they travel in (as typed, URL-encoded, inside HTTP Basic credentials), then the
 * shapes that carry secrets whatever their value: a URL's user and password, a bearer or basic
 * credential, a token or password in a query string, a `key=value` text or a JSON field.
 */
export const redactedMark = '[redacted]';

/** Shorter values would blank ordinary words; no credential worth the name is this short. */
const shortestSecret = 4;

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Every form a secret is likely to appear in, longest first so a longer form is replaced whole. */
export function secretForms(secrets: readonly (string | null | undefined)[]): string[] {
  const forms = new Set<string>();
  for (const secret of secrets) {
    if (!secret || secret.length < shortestSecret) continue;
    forms.add(secret);
    forms.add(encodeURIComponent(secret));
    forms.add(Buffer.from(secret).toString('base64'));
  }
  return [...forms].filter((f) => f.length >= shortestSecret).sort((a, b) => b.length - a.length);
}

/** The secrets inside a URL: its password, and its user:password pair as HTTP Basic sends it. */
export function urlSecrets(raw: string | null | undefined): string[] {
  if (!raw) return [];
  try {
    const url = new URL(raw);
    const user = decodeURIComponent(url.username);
    const password = decodeURIComponent(url.password);
    return password ? [password, `${user}:${password}`] : [];
  } catch {
    return [];
  }
}

const shapes: Array<[RegExp, string]> = [
  // scheme://user:password@host or scheme://token@host
  [/\b([a-z][a-z0-9+.-]*:\/\/)[^\s/?#@]+@/gi, `$1${redactedMark}@`],
  // Authorization: Bearer xyz, Basic xyz (in headers, error texts, curl lines)
  [/\b(bearer|basic)\s+[A-Za-z0-9._~+/=-]{6,}/gi, `$1 ${redactedMark}`],
  // ?token=..., password=... (query strings, env-style text)
  [/\b([a-z_-]*(?:token|password|passwd|secret|api[_-]?key)s?=)[^\s"'&,;]+/gi, `$1${redactedMark}`],
  // "token": "..." (JSON)
  [/("[a-z_-]*(?:token|password|passwd|secret|api[_-]?key)s?"\s*:\s*")[^"]*"/gi, `$1${redactedMark}"`],
];

export function redact(text: string, secrets: readonly string[] = []): string {
  let out = text;
  for (const form of secrets) {
    if (form.length >= shortestSecret) out = out.replace(new RegExp(escapeRegExp(form), 'g'), redactedMark);
  }
  for (const [pattern, replacement] of shapes) out = out.replace(pattern, replacement);
  return out;
}

/** A redactor bound to a set of secrets, for everything one source or one process emits. */
export function redactorFor(secrets: readonly (string | null | undefined)[]): (text: string) => string {
  const forms = secretForms(secrets);
  return (text) => redact(text, forms);
}
