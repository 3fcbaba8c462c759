import type { ReactNode } from 'react';

export function Panel({
  title,
  testId,
  aside,
  children,
}: {
  title: string;
  testId?: string;
  aside?: ReactNode;
  children: ReactNode;
}) {
  return (
    <section className="rounded-lg border border-edge bg-panel" data-testid={testId}>
      <header className="flex flex-wrap items-center justify-between gap-x-3 gap-y-1 border-b border-edge px-4 py-2">
        <h2 className="text-sm font-semibold uppercase tracking-wide text-muted">{title}</h2>
        {aside && <div className="min-w-0 break-all text-right">{aside}</div>}
      </header>
      <div className="p-4">{children}</div>
    </section>
  );
}

export function PanelSkeleton({ title }: { title: string }) {
  return (
    <Panel title={title}>
      <div className="h-24 animate-pulse rounded bg-edge/40" aria-busy="true" />
    </Panel>
  );
}
