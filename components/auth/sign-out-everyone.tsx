'use client';

import { useState } from 'react';
import { useRouter } from 'next/navigation';
import type { SignOutEveryoneResult } from '@/lib/contracts/sessions';
import { sendJson } from '../live/api-client';

/**
 * Admins only (the page shows it to them, the server checks): ends every session, this one
 * included, with a required reason; then this browser goes to sign in again.
 */
export function SignOutEveryone() {
  const router = useRouter();
  const [open, setOpen] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  async function submit(form: FormData) {
    setBusy(true);
    setError(null);
    const r = await sendJson<SignOutEveryoneResult>('POST', '/api/auth/sign-out-everyone', {
      reason: form.get('reason'),
    });
    setBusy(false);
    if (!r.ok) {
      setError(r.message);
      return;
    }
    router.push('/sign-in?next=%2Faudit');
    router.refresh();
  }
  if (!open) {
    return (
      <button
        className="text-xs text-muted underline hover:text-ink"
        onClick={() => setOpen(true)}
        data-testid="sign-out-everyone"
      >
        sign out everyone
      </button>
    );
  }
  return (
    <form action={submit} className="flex flex-wrap items-center gap-2 text-xs" data-testid="sign-out-everyone-form">
      <span>Every session ends, yours too: everyone signs in again.</span>
      <input
        name="reason"
        required
        minLength={3}
        maxLength={500}
        placeholder="reason"
        className="rounded border border-edge bg-surface px-2 py-1"
        data-testid="sign-out-everyone-reason"
      />
      <button
        disabled={busy}
        className="rounded bg-red-700 px-2 py-1 font-semibold text-white hover:bg-red-600 disabled:opacity-50"
        data-testid="sign-out-everyone-confirm"
      >
        {busy ? 'Signing everyone out…' : 'Sign out everyone'}
      </button>
      <button type="button" className="text-muted underline" onClick={() => setOpen(false)}>
        cancel
      </button>
      {error && (
        <span className="text-crit" data-testid="sign-out-everyone-error">
          {error}
        </span>
      )}
    </form>
  );
}
