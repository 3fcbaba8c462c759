'use client';

import { useRouter } from 'next/navigation';

export function SignOutButton() {
  const router = useRouter();
  return (
    <button
      className="text-muted underline hover:text-ink"
      data-testid="sign-out"
      onClick={async () => {
        await fetch('/api/auth/sign-out', { method: 'POST' });
        router.refresh();
      }}
    >
      sign out
    </button>
  );
}
