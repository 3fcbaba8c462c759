'use client';

import { useState } from 'react';
import { useRouter } from 'next/navigation';
import { sendJson } from '../live/api-client';

export function SignInForm({ next }: { next: string }) {
  const router = useRouter();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  async function submit(form: FormData) {
    setBusy(true);
    setError(null);
    const r = await sendJson('POST', '/api/auth/sign-in', { name: form.get('name'), password: form.get('password') });
    setBusy(false);
    if (!r.ok) {
      setError(r.message);
      return;
    }
    router.push(next);
    router.refresh();
  }
  return (
    <form action={submit} className="space-y-3" data-testid="sign-in-form">
      <label className="block text-sm">
        Name
        <input
          name="name"
          autoComplete="username"
          required
          className="mt-1 w-full rounded border border-edge bg-surface px-2 py-1"
          data-testid="sign-in-name"
        />
      </label>
      <label className="block text-sm">
        Password
        <input
          name="password"
          type="password"
          autoComplete="current-password"
          required
          className="mt-1 w-full rounded border border-edge bg-surface px-2 py-1"
          data-testid="sign-in-password"
        />
      </label>
      {error && (
        <p className="text-sm text-crit" data-testid="sign-in-error">
          {error}
        </p>
      )}
      <button
        disabled={busy}
        className="rounded bg-sky-700 px-3 py-1 text-sm font-medium text-white hover:bg-sky-600 disabled:opacity-50"
        data-testid="sign-in-submit"
      >
        {busy ? 'Signing in…' : 'Sign in'}
      </button>
    </form>
  );
}
