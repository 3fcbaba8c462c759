'use client';

export default function ErrorPage({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  return (
    <main className="mx-auto max-w-3xl p-3 sm:p-6" data-testid="page-error">
      <h1 className="text-lg font-semibold text-crit">This view failed to load</h1>
      <p className="mt-2 text-sm text-muted">{error.message}</p>
      <button className="mt-4 rounded border border-edge px-3 py-1 text-sm hover:bg-panel" onClick={reset}>
        Try again
      </button>
    </main>
  );
}
