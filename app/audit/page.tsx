import { Suspense } from 'react';
import { AppHeader } from '@/components/app-header';
import { AuditTable } from '@/components/audit-table';
import { SignOutEveryone } from '@/components/auth/sign-out-everyone';
import { Panel, PanelSkeleton } from '@/components/panel';
import { auditOutcomes, type AuditFilter, type AuditOutcome } from '@/lib/contracts/audit';
import { readablePage } from '@/lib/root/pages';
import { auditView } from '@/lib/root/views';

export const dynamic = 'force-dynamic';

type Search = { actor?: string; job?: string; group?: string; outcome?: string };

const text = (v: unknown) => (typeof v === 'string' && v !== '' ? v.slice(0, 200) : undefined);

export default async function AuditPage({ searchParams }: { searchParams: Promise<Search> }) {
  const raw = await searchParams;
  const page = await readablePage('/audit');
  // The form's filters, leniently: an empty or unknown value means "any".
  const filter: AuditFilter = {
    actor: text(raw.actor),
    job: text(raw.job),
    group: text(raw.group),
    outcome: auditOutcomes.includes(raw.outcome as AuditOutcome) ? (raw.outcome as AuditOutcome) : undefined,
    limit: 200,
  };
  return (
    <main className="mx-auto max-w-[96rem] space-y-4 p-3 sm:p-6">
      <AppHeader {...page} />
      {page.viewer?.signedIn && page.viewer.role === 'admin' && <SignOutEveryone />}
      {page.app ? (
        <Suspense fallback={<PanelSkeleton title="Audit log" />}>
          <AuditTable view={auditView(page.app, filter, page.audience)} filter={filter} />
        </Suspense>
      ) : (
        <Panel title="Audit log">
          <p className="text-sm text-warn">{page.problem}</p>
        </Panel>
      )}
    </main>
  );
}
