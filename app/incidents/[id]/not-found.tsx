import Link from 'next/link';

export default function IncidentNotFound() {
  return (
    <main className="mx-auto max-w-[96rem] space-y-4 p-3 sm:p-6">
      <section className="rounded-lg border border-edge bg-panel p-4" data-testid="incident-not-found">
        <h1 className="text-lg font-semibold">No such incident</h1>
        <p className="text-sm text-muted">
          This link names an incident that does not exist (or belongs to another pipeline).{' '}
          <Link href="/incidents" className="underline">
            All incidents
          </Link>
        </p>
      </section>
    </main>
  );
}
