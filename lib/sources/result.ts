import { redactorFor, urlSecrets } from '../format/redact';

/**
 * What every source call returns: a value, or an error the UI can show as it is
 * ("Prometheus: timed out after 2 s"). Never an exception that could end a poll loop.
 */
export type SourceResult<T> = { ok: true; value: T } | { ok: false; error: string };

export const ok = <T>(value: T): SourceResult<T> => ({ ok: true, value });
export const fail = <T = never>(error: string): SourceResult<T> => ({ ok: false, error });

/** Request headers whose values are credentials. */
const credentialHeaders = ['authorization', 'x-nomad-token', 'cookie', 'proxy-authorization', 'x-api-key'];

function requestSecrets(url: string, headers: RequestInit['headers']): string[] {
  const h = new Headers(headers);
  const values = credentialHeaders.flatMap((name) => {
    const value = h.get(name);
    if (!value) return [];
    // "Basic dXNlcjpwYXNz" carries user:pass; the decoded pair and the password are secrets too.
    const basic = /^basic\s+(\S+)$/i.exec(value)?.[1];
    const decoded = basic ? Buffer.from(basic, 'base64').toString() : null;
    const scheme = /^(bearer|basic)\s+(\S+)$/i.exec(value)?.[2];
    return [value, scheme, decoded, decoded?.slice(decoded.indexOf(':') + 1)].filter((v): v is string => Boolean(v));
  });
  return [...urlSecrets(url), ...values];
}

/**
 * fetch with a deadline, turning network failures, timeouts and non-2xx answers into messages
 * that name the source. `parse` receives the body of a 2xx answer. Every message is redacted here,
 * at the boundary: the URL's credentials and the request's credential headers never leave in an
 * error (Node's fetch names the URL in its errors, and a server may echo what it was sent).
 */
export async function fetchSource<T>(
  source: string,
  url: string,
  init: RequestInit & { timeoutMs: number },
  parse: (body: string, res: Response) => SourceResult<T>,
): Promise<SourceResult<T> & { bytes: number; status: number | null }> {
  const result = await fetchUnredacted(source, url, init, parse);
  // Built only for a failure: a successful poll (the usual case) pays nothing for it.
  return result.ok ? result : { ...result, error: redactorFor(requestSecrets(url, init.headers))(result.error) };
}

async function fetchUnredacted<T>(
  source: string,
  url: string,
  init: RequestInit & { timeoutMs: number },
  parse: (body: string, res: Response) => SourceResult<T>,
): Promise<SourceResult<T> & { bytes: number; status: number | null }> {
  const { timeoutMs, ...rest } = init;
  let res: Response;
  let body: string;
  try {
    res = await fetch(url, { ...rest, signal: AbortSignal.timeout(timeoutMs), cache: 'no-store' });
    body = await res.text();
  } catch (err) {
    const e = err as Error & { cause?: { code?: string; message?: string } };
    if (e.name === 'TimeoutError' || e.name === 'AbortError')
      return { ...fail(`${source}: timed out after ${formatSeconds(timeoutMs)}`), bytes: 0, status: null };
    const code = e.cause?.code;
    return {
      ...fail(`${source}: ${code === 'ECONNREFUSED' ? 'connection refused' : (code ?? e.cause?.message ?? e.message)}`),
      bytes: 0,
      status: null,
    };
  }
  const bytes = Buffer.byteLength(body);
  if (!res.ok) {
    const detail = body.trim().slice(0, 200) || res.statusText;
    return { ...fail(`${source}: HTTP ${res.status} ${detail}`), bytes, status: res.status };
  }
  return { ...parse(body, res), bytes, status: res.status };
}

export function formatSeconds(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${(ms / 1000).toFixed(1)} s`;
}

export function parseJson(source: string, body: string): SourceResult<unknown> {
  try {
    return ok(JSON.parse(body));
  } catch {
    return fail(`${source}: answer is not JSON`);
  }
}
