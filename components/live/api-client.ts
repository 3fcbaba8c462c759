'use client';

/** The server's own message from an `{ error: { message } }` body, or the HTTP status. */
function errorMessage(body: unknown, status: number): string {
  return (body as { error?: { message?: string } } | null)?.error?.message ?? `HTTP ${status}`;
}

/**
 * The pipeline this page is about, when the configuration has several (set by PipelineScope as
 * the page renders): every API call of the page names it, so each panel reads that pipeline.
 */
let scopedPipeline: string | null = null;
export function setScopedPipeline(name: string | null): void {
  scopedPipeline = name;
}

/** An API path of ours, naming the page's pipeline (sign-in and sign-out are not per pipeline). */
export function apiUrl(url: string): string {
  if (!scopedPipeline || !url.startsWith('/api/') || url.startsWith('/api/auth/')) return url;
  return `${url}${url.includes('?') ? '&' : '?'}pipeline=${encodeURIComponent(scopedPipeline)}`;
}

/** GET from our own API for react-query: the JSON body, or an Error with the server's message. */
export async function getJson<T>(url: string): Promise<T> {
  const res = await fetch(apiUrl(url), { cache: 'no-store' });
  const body: unknown = await res.json().catch(() => null);
  if (!res.ok) throw new Error(errorMessage(body, res.status));
  return body as T;
}

/** A JSON request to our own API; the error message is the server's `{ error: { message } }`. */
export async function sendJson<T>(
  method: 'POST' | 'PATCH',
  url: string,
  body: unknown,
): Promise<{ ok: true; value: T } | { ok: false; status: number; message: string }> {
  const res = await fetch(apiUrl(url), {
    method,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const json = await res.json().catch(() => null);
  if (!res.ok) return { ok: false, status: res.status, message: errorMessage(json, res.status) };
  return { ok: true, value: json as T };
}
