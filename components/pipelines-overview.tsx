'use client';

import Link from 'next/link';
import { useQuery } from '@tanstack/react-query';
import type { PipelineSummary, PipelinesView } from '@/lib/contracts/pipelines';
import { getJson } from './live/api-client';
import { ms } from './topology/format';

/**
 * With several pipelines, the first screen: which are healthy, which are not and why, each linked
 * to its own live page. Refreshed every 5 s from the live snapshots (GET /api/pipelines).
 */
const statusStyle: Record<PipelineSummary['status'], { label: string; className: string }> = {
  bottleneck: { label: 'bottleneck', className: 'border-crit bg-crit/10 text-crit' },
  'slo-breach': { label: 'SLO breached', className: 'border-crit bg-crit/10 text-crit' },
  healthy: { label: 'healthy', className: 'border-ok/40 bg-ok/10 text-ok' },
  'no-data': { label: 'no data yet', className: 'border-edge bg-panel text-muted' },
};

export function PipelinesOverview({ initial }: { initial: PipelinesView }) {
  const { data } = useQuery({
    queryKey: ['pipelines'],
    queryFn: () => getJson<PipelinesView>('/api/pipelines'),
    initialData: initial,
    refetchInterval: 5000,
  });
  const unhealthy = data.pipelines.filter((p) => p.status === 'bottleneck' || p.status === 'slo-breach').length;
  return (
    <section className="space-y-3" data-testid="pipelines-overview">
      <h2 className="text-lg font-semibold">
        {data.pipelines.length} pipelines{' '}
        <span className={unhealthy ? 'text-crit' : 'text-ok'}>
          · {unhealthy ? `${unhealthy} need attention` : 'all healthy'}
        </span>
      </h2>
      <ul className="grid gap-3 md:grid-cols-2">
        {data.pipelines.map((p) => {
          const style = statusStyle[p.status];
          const q = Math.round(p.endToEnd.quantile * 100);
          return (
            <li
              key={p.name}
              className={`rounded-lg border-2 px-4 py-3 ${style.className}`}
              data-testid={`pipeline-${p.name}`}
              data-status={p.status}
            >
              <div className="flex items-baseline justify-between gap-2">
                <Link href={p.href} className="text-base font-semibold text-ink underline">
                  {p.name}
                </Link>
                <span className="text-sm font-semibold">{style.label}</span>
              </div>
              <p className="mt-1 text-sm text-ink">
                End-to-end p{q} {p.endToEnd.estimated ? '~' : ''}
                {ms(p.endToEnd.pMs)} against a {ms(p.endToEnd.sloMs)} SLO
                {p.endToEnd.estimated ? ' (estimated from the stages)' : ''}.
              </p>
              {p.bottleneck && (
                <p className="mt-1 text-sm text-ink" data-testid={`pipeline-${p.name}-reason`}>
                  <span className="font-semibold">Bottleneck: {p.bottleneck.label}.</span> {p.bottleneck.reason}
                </p>
              )}
              {p.sourcesDown.length > 0 && (
                <p className="mt-1 text-xs text-warn">not answering: {p.sourcesDown.join(', ')}</p>
              )}
            </li>
          );
        })}
      </ul>
    </section>
  );
}
