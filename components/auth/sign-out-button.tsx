'use client';

import { useState } from 'react';
import { useRouter } from 'next/navigation';

/** Ends this session on the server (a copied cookie stops working too); says so when that failed. */
export function SignOutButton() {
  const router = useRouter();
  const [error, setError] = useState<string | null>(null);
  return (
    <>
      <button
        className="text-muted underline hover:text-ink"
        data-testid="sign-out"
        onClick={async () => {
          setError(null);
          const res = await fetch('/api/auth/sign-out', { method: 'POST' });
          if (!res.ok) {
            const body = (await res.json().catch(() => null)) as { error?: { message?: string } } | null;
            setError(body?.error?.message ?? `sign-out failed (HTTP ${res.status})`);
            return;
          }
          router.refresh();
        }}
      >
        sign out
      </button>
      {error && (
        <span className="text-crit" data-testid="sign-out-error">
          {error}
        </span>
      )}
    </>
  );
}
