'use client';

import { Handle, Position, type NodeProps, type Node } from '@xyflow/react';
import type { SourceName, StageSnapshot } from '@/lib/contracts/snapshot';
import { count, ms, rate, shareColour } from './format';

export type StageNodeData = { stage: StageSnapshot; bottleneck: boolean; stale: SourceName[]; selected: boolean };
export type StageNodeType = Node<StageNodeData, 'stage'>;

const kindLabel = { service: 'service', queue: 'queue', workers: 'workers', store: 'store' } as const;

function Row({ label, value, testId }: { label: string; value: string; testId?: string }) {
  return (
    <div className="flex justify-between gap-2">
      <span className="text-muted">{label}</span>
      <span className="font-mono" data-testid={testId}>
        {value}
      </span>
    </div>
  );
}

/** Saturated or starved consumers, load shed at the limit, dead letters flowing, publishers held back. */
function needsAttention(v: NonNullable<NonNullable<StageSnapshot['queue']>['verdict']>): boolean {
  return (
    v.saturation === 'saturated' ||
    v.saturation === 'no-consumers' ||
    v.limit?.shedding === true ||
    (v.deadLetter?.perSec ?? 0) > 0 ||
    (v.publishers !== undefined && (v.publishers.alarm !== null || v.publishers.blocked + v.publishers.flow > 0))
  );
}

export function StageNode({ data }: NodeProps<StageNodeType>) {
  const { stage, bottleneck, stale, selected } = data;
  const border = bottleneck
    ? 'border-crit shadow-[0_0_18px_rgba(239,90,90,0.45)]'
    : stage.status === 'warn'
      ? 'border-warn'
      : 'border-edge';
  return (
    <div
      className={`w-[230px] rounded-lg border-2 px-3 py-2 text-xs ${border} ${selected ? 'ring-2 ring-sky-400' : ''}`}
      style={{
        background: `linear-gradient(${shareColour(stage.share)}, ${shareColour(stage.share)}), var(--color-panel)`,
      }}
      data-testid={`stage-node-${stage.id}`}
      data-status={stage.status}
      data-bottleneck={bottleneck}
    >
      <Handle type="target" position={Position.Left} className="!bg-edge" />
      <div className="mb-1 flex items-center justify-between">
        <span className="truncate text-sm font-semibold text-ink">{stage.label}</span>
        <span className="rounded bg-edge px-1 text-[10px] uppercase tracking-wide text-muted">
          {kindLabel[stage.kind]}
        </span>
      </div>
      {stage.queue && (
        <>
          <Row
            label="ready / consumers"
            value={`${count(stage.queue.ready)} / ${count(stage.queue.consumers)}`}
            testId={`stage-${stage.id}-ready`}
          />
          <Row label="in → out" value={`${rate(stage.queue.publishRate)} → ${rate(stage.queue.deliverRate)}`} />
          <Row label="wait" value={ms(stage.waitMs)} />
          {stage.queue.verdict?.limit && (
            <Row
              label="limit"
              value={`${stage.queue.verdict.limit.fullPct}% · ${stage.queue.verdict.limit.overflow}`}
              testId={`stage-${stage.id}-limit`}
            />
          )}
          {stage.queue.verdict && (
            <p
              className={`mt-1 leading-snug ${needsAttention(stage.queue.verdict) ? 'text-warn' : 'text-muted'}`}
              data-testid={`stage-${stage.id}-verdict`}
              data-saturation={stage.queue.verdict.saturation}
              data-shedding={stage.queue.verdict.limit?.shedding ?? false}
            >
              {stage.queue.verdict.summary}
            </p>
          )}
        </>
      )}
      {stage.workers && (
        <Row
          label="running / desired"
          value={`${stage.workers.running} / ${stage.workers.desired}`}
          testId={`stage-${stage.id}-workers`}
        />
      )}
      {stage.workers?.autoscaler && (
        <Row
          label="autoscaler"
          value={
            stage.workers.autoscaler.enabled
              ? `on, ${stage.workers.autoscaler.min ?? 0}–${stage.workers.autoscaler.max}`
              : 'policy off'
          }
          testId={`stage-${stage.id}-autoscaler`}
        />
      )}
      {stage.latency && (
        <Row
          label="p50 · p90 · p99"
          value={`${ms(stage.latency.p50Ms)} · ${ms(stage.latency.p90Ms)} · ${ms(stage.latency.p99Ms)}`}
        />
      )}
      {stage.gpu && <Row label="GPU" value={`${stage.gpu.utilPct}%`} />}
      <div className="mt-1 flex items-center justify-between">
        <span className="text-muted">share of latency</span>
        <span className={`font-mono ${stage.share >= 0.5 ? 'text-crit' : stage.share >= 0.25 ? 'text-warn' : ''}`}>
          {Math.round(stage.share * 100)}%
        </span>
      </div>
      {stale.length > 0 && (
        <div className="mt-1 rounded bg-warn/15 px-1 text-[10px] text-warn" data-testid={`stage-${stage.id}-stale`}>
          stale: {stale.join(', ')} not answering
        </div>
      )}
      <Handle type="source" position={Position.Right} className="!bg-edge" />
    </div>
  );
}
