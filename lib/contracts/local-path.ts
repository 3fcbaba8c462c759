/**
 * Where a sign-in may send the browser afterwards: a path on this origin only. Browsers read `\`
 * as `/` and drop tabs and newlines, so `/\evil.example` or `/\t/evil.example` would leave the site;
 * anything that does not resolve to this origin, or has such characters, becomes `/`.
 */
export function localPath(raw: string | null | undefined): string {
  if (!raw || !raw.startsWith('/') || raw.startsWith('//')) return '/';
  if (/[\\\u0000-\u001f\u007f]/.test(raw)) return '/';
  try {
    const base = 'http://warroom.invalid';
    const url = new URL(raw, base);
    // Normalising can make a new `//` (`/.//evil.example`): the answer is checked as it is sent.
    if (url.origin !== base || url.pathname.startsWith('//')) return '/';
    return `${url.pathname}${url.search}${url.hash}`;
  } catch {
    return '/';
  }
}
