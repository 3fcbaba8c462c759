'use client';

import { useQuery } from '@tanstack/react-query';
import { getJson } from '../live/api-client';
import type { AuditList, AuditRow } from '@/lib/contracts/audit';

/**
 * A scale Nomad did not answer in time is unknown, not failed: its audit row stays pending until
 * a read of Nomad settles it. This follows that row (every 2 s, until it is settled) and says what
 * became of the scale.
 */
export function ScaleChecking({
  auditId,
  job,
  group,
  message,
}: {
  auditId: number;
  job: string;
  group: string;
  message: string;
}) {
  const query = `/api/audit?job=${encodeURIComponent(job)}&group=${encodeURIComponent(group)}&limit=50`;
  const { data } = useQuery({
    queryKey: ['audit-row', auditId],
    queryFn: async (): Promise<AuditRow | null> =>
      (await getJson<AuditList>(query)).entries.find((r) => r.id === auditId) ?? null,
    refetchInterval: (q) => (q.state.data && q.state.data.outcome !== 'pending' ? false : 2000),
  });
  const outcome = data?.outcome ?? 'pending';
  return (
    <div className="space-y-1" data-testid="scale-checking" data-outcome={outcome}>
      {outcome === 'pending' && (
        <p className="text-warn" role="status">
          Unknown, checking: {message}.
        </p>
      )}
      {outcome === 'succeeded' && (
        <p className="text-ok" role="status">
          Nomad applied it: scaled from {data!.from ?? '?'} to {data!.to}
          {data!.evalId ? (
            <>
              , evaluation <span className="font-mono">{data!.evalId.slice(0, 8)}</span>
            </>
          ) : null}
          , audit #{auditId}.
        </p>
      )}
      {outcome !== 'pending' && outcome !== 'succeeded' && (
        <p className="text-crit" role="alert">
          Not applied (audit #{auditId}): {data!.error ?? outcome}.
        </p>
      )}
    </div>
  );
}
