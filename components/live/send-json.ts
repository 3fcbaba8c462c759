'use client';

/** A JSON request to our own API; the error message is the server's `{ error: { message } }`. */
export async function sendJson<T>(method: 'POST' | 'PATCH', url: string, body: unknown): Promise<{ ok: true; value: T } | { ok: false; status: number; message: string }> {
  const res = await fetch(url, { method, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const json = await res.json().catch(() => null);
  if (!res.ok) return { ok: false, status: res.status, message: (json as { error?: { message?: string } } | null)?.error?.message ?? `HTTP ${res.status}` };
  return { ok: true, value: json as T };
}
