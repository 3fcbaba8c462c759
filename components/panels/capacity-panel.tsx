'use client';

import { useState } from 'react';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { CapacityQuery, maxCapacityRps, type CapacityPlan, type CapacityStage } from '@/lib/contracts/capacity';
import type { Snapshot } from '@/lib/contracts/snapshot';
import { entranceQueues } from '@/lib/contracts/stage-graph';
import { getJson } from '../live/api-client';
import { Panel } from '../panel';
import { count, rate } from '../topology/format';

const fetchPlan = (rps: number) => getJson<CapacityPlan>(`/api/capacity?rps=${encodeURIComponent(rps)}`);

/** What enters the pipeline now, rounded up (its entrance queues' publish rates, added), or 10. */
function currentRps(snapshot: Snapshot): number {
  const rates = entranceQueues(snapshot.stages).map((s) => s.queue?.publishRate ?? null);
  const entering = rates.some((r) => r === null) ? null : rates.reduce<number>((a, r) => a + r!, 0);
  return entering && entering > 0 ? Math.min(maxCapacityRps, Math.ceil(entering)) : 10;
}

function PerWorker({ stage }: { stage: CapacityStage }) {
  if (stage.perWorkerPerSec === null)
    return (
      <span className="text-warn" title={stage.explanation}>
        no basis
      </span>
    );
  return (
    <span title={stage.explanation}>
      <span className="font-mono">{rate(stage.perWorkerPerSec)}</span>{' '}
      <span className="text-muted">{stage.basis === 'measured' ? 'measured' : 'from latency'}</span>
      {stage.saturated === false && (
        <span
          className="text-muted"
          title="measured while the workers were not saturated: what arrived, not what they can do, so the count needed may be high"
        >
          {' '}
          (a floor)
        </span>
      )}
    </span>
  );
}

function Needed({ stage }: { stage: CapacityStage }) {
  if (stage.neededWorkers === null) return <span className="text-muted">–</span>;
  const delta = stage.delta;
  return (
    <span>
      <span className="font-mono">{count(stage.neededWorkers)}</span>
      {delta !== null && delta !== 0 && (
        <span className={delta > 0 ? 'text-warn' : 'text-muted'}>
          {' '}
          ({delta > 0 ? '+' : ''}
          {count(delta)})
        </span>
      )}
      {stage.loadRatio !== 1 && !stage.loadRatioAssumed && (
        <span className="text-muted" title="messages this stage sees per request entering the pipeline">
          {' '}
          at {rate(stage.loadPerSec)}
        </span>
      )}
      {stage.loadRatioAssumed && (
        <span className="text-muted" title="no rates to measure how many messages per request reach this stage">
          {' '}
          (1:1 assumed)
        </span>
      )}
    </span>
  );
}

/**
 * How many workers of each stage N requests per second would need, from the live snapshot's
 * measured throughput per worker (or, before there is traffic, the median latency). The plan is
 * the server's (GET /api/capacity); the snapshot only seeds the rate with today's.
 */
export function CapacityPanel({ snapshot }: { snapshot: Snapshot }) {
  const [typed, setTyped] = useState<string | null>(null);
  const text = typed ?? String(currentRps(snapshot));
  const parsed = CapacityQuery.safeParse({ rps: text });
  const rps = parsed.success ? parsed.data.rps : null;
  const plan = useQuery({
    queryKey: ['capacity', rps],
    queryFn: () => fetchPlan(rps!),
    enabled: rps !== null,
    placeholderData: keepPreviousData,
    refetchInterval: 15_000,
  });
  const data = plan.data;
  return (
    <Panel
      title="Capacity"
      testId="capacity-panel"
      aside={
        <label className="flex items-center gap-2 text-xs text-muted">
          workers for
          <input
            type="number"
            min={0}
            max={maxCapacityRps}
            step="any"
            inputMode="decimal"
            value={text}
            onChange={(e) => setTyped(e.target.value)}
            className="w-24 rounded border border-edge bg-surface px-2 py-0.5 text-right font-mono text-ink"
            aria-label="requests per second"
            data-testid="capacity-rps"
          />
          requests/s
        </label>
      }
    >
      {!parsed.success && <p className="mb-2 text-xs text-warn">{parsed.error.issues[0]?.message}</p>}
      {plan.isError && <p className="mb-2 text-xs text-warn">Capacity unavailable: {plan.error.message}</p>}
      {data && (
        <>
          <p className="mb-2 text-xs text-muted">
            Now {data.entranceRatePerSec === null ? 'an unknown rate' : rate(data.entranceRatePerSec)} enters the
            pipeline; each worker planned at {Math.round(data.targetUtilisation * 100)}% of what it handles.
          </p>
          {data.stages.length === 0 ? (
            <p className="text-sm text-muted">No worker stages in this pipeline.</p>
          ) : (
            <table className="w-full text-left text-xs">
              <thead className="text-muted">
                <tr>
                  <th className="py-1 pr-2">stage</th>
                  <th className="px-2 py-1">per worker/s</th>
                  <th className="px-2 py-1 text-right">now</th>
                  <th className="py-1 pl-2">needed for {rate(data.requestsPerSec)}</th>
                </tr>
              </thead>
              <tbody>
                {data.stages.map((s) => (
                  <tr
                    key={s.stageId}
                    className="border-t border-edge/60"
                    data-testid={`capacity-row-${s.stageId}`}
                    data-basis={s.basis}
                  >
                    <td className="py-1 pr-2">{s.label}</td>
                    <td className="px-2 py-1">
                      <PerWorker stage={s} />
                    </td>
                    <td className="px-2 py-1 text-right font-mono">{count(s.currentWorkers)}</td>
                    <td className="py-1 pl-2">
                      <Needed stage={s} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </>
      )}
    </Panel>
  );
}
