'use client';

import type { CSSProperties, KeyboardEvent, ReactNode } from 'react';
import type { Node } from '@xyflow/react';
import type { SourceName, StageSnapshot } from '@/lib/contracts/snapshot';
import { shareColour } from './format';
import { contentWidthPx, figureGapPx, nodeBox, nodeWidth, staleText, type, type Direction } from './layout';
import { nodeContentOf, nodeSpokenExtra, type Figure } from './node-content';

export type StageNodeData = {
  stage: StageSnapshot;
  bottleneck: boolean;
  stale: SourceName[];
  selected: boolean;
  direction: Direction;
  /** px, the height the layout reserved (nodeHeightOf): the node is at least this tall. */
  heightPx: number;
  /** Enter or Space on the node: the same as a click. */
  onActivate: (id: string) => void;
  /** The node took keyboard focus: bring it into view. */
  onFocusStage: (id: string) => void;
};
export type StageNodeType = Node<StageNodeData, 'stage'>;

const wrap: CSSProperties = { overflowWrap: 'anywhere' };
const toneClass = { crit: 'text-crit', warn: 'text-warn' } as const;

function FigureCell({ figure }: { figure: Figure }) {
  return (
    <div style={{ gridColumn: figure.span === 2 ? 'span 2' : undefined, minWidth: 0 }}>
      <div
        className={`font-mono font-semibold ${figure.tone ? toneClass[figure.tone] : 'text-ink'}`}
        style={{ ...wrap, fontSize: type.figureValue.sizePx, lineHeight: `${type.figureValue.linePx}px` }}
        data-testid={figure.testId}
      >
        {figure.value}
      </div>
      <div
        className="text-muted"
        style={{ ...wrap, fontSize: type.figureCaption.sizePx, lineHeight: `${type.figureCaption.linePx}px` }}
      >
        {figure.caption}
      </div>
    </div>
  );
}

/** The node's card, drawn by the interactive canvas (with React Flow's handles) and by the static first view. */
export function StageCard({
  data,
  handles,
}: {
  data: StageNodeData;
  handles?: { target: ReactNode; source: ReactNode };
}) {
  const { stage, bottleneck, stale, selected, heightPx, onActivate, onFocusStage } = data;
  const content = nodeContentOf(stage, stale);
  const spokenExtra = nodeSpokenExtra(stage);
  const borderColour = bottleneck
    ? 'var(--color-crit)'
    : stage.status === 'warn'
      ? 'var(--color-warn)'
      : 'var(--color-edge)';
  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    if (e.key !== 'Enter' && e.key !== ' ') return;
    e.preventDefault();
    e.stopPropagation();
    onActivate(stage.id);
  };
  return (
    <div
      role="button"
      tabIndex={0}
      aria-pressed={selected}
      onKeyDown={onKeyDown}
      onFocus={() => onFocusStage(stage.id)}
      className={`relative cursor-pointer rounded-lg text-ink outline-none focus-visible:outline-3 focus-visible:outline-solid focus-visible:outline-offset-4 focus-visible:outline-ink ${selected ? 'ring-3 ring-ink ring-offset-2 ring-offset-surface' : ''}`}
      style={{
        width: nodeWidth,
        minHeight: heightPx,
        border: `${nodeBox.borderPx}px solid ${borderColour}`,
        padding: `${nodeBox.padYPx}px ${nodeBox.padXPx}px`,
        background: 'var(--color-panel)',
        boxShadow: bottleneck ? '0 0 20px color-mix(in srgb, var(--color-crit) 50%, transparent)' : undefined,
      }}
      data-testid={`stage-node-${stage.id}`}
      data-status={stage.status}
      data-bottleneck={bottleneck}
    >
      {handles?.target}
      {/* The share of end-to-end latency as a bar across the top: the long ones are the hot path. */}
      <div className="absolute inset-x-0 top-0 h-1.5 overflow-hidden rounded-t-md" aria-hidden>
        <div
          className="h-full"
          style={{ width: `${Math.min(100, Math.round(stage.share * 100))}%`, background: shareColour(stage.share) }}
        />
      </div>
      <div
        className="flex items-center justify-between gap-2"
        style={{ height: type.badge.blockPx, marginBottom: type.badge.gapAfterPx }}
      >
        {/* Ink on the node's own background: the theme's body-text pair, AA at any size. */}
        <span
          className="rounded border border-edge px-1 font-semibold uppercase tracking-wide text-ink"
          style={{ fontSize: type.badge.sizePx, lineHeight: `${type.badge.linePx}px` }}
          data-testid={`stage-${stage.id}-kind`}
        >
          {content.kind}
        </span>
        {bottleneck && (
          <span
            className="font-semibold uppercase tracking-wide text-crit"
            style={{ fontSize: type.badge.sizePx, lineHeight: `${type.badge.linePx}px` }}
          >
            bottleneck
          </span>
        )}
      </div>
      <div
        className="font-semibold text-ink"
        style={{
          ...wrap,
          fontSize: type.label.sizePx,
          lineHeight: `${type.label.linePx}px`,
          marginBottom: type.label.gapAfterPx,
        }}
        data-testid={`stage-${stage.id}-label`}
        elementtiming="stage-label"
      >
        {content.label}
      </div>
      <div
        style={{
          display: 'grid',
          gridTemplateColumns: `repeat(2, ${(contentWidthPx - figureGapPx) / 2}px)`,
          columnGap: figureGapPx,
          rowGap: type.figureRowGapPx,
        }}
      >
        {content.figures.map((f) => (
          <FigureCell key={f.caption} figure={f} />
        ))}
      </div>
      {content.rows.length > 0 && (
        <div style={{ marginTop: type.row.gapBeforePx, fontSize: type.row.sizePx, lineHeight: `${type.row.linePx}px` }}>
          {content.rows.map((r) => (
            <div key={r.caption} className="flex flex-wrap justify-between gap-x-2">
              <span className="text-muted">{r.caption}</span>
              <span className="font-mono" style={wrap} data-testid={r.testId}>
                {r.value}
              </span>
            </div>
          ))}
        </div>
      )}
      {content.verdict && stage.queue?.verdict && (
        <p
          className={content.verdict.attention ? 'text-warn' : 'text-muted'}
          style={{
            ...wrap,
            marginTop: type.verdict.gapBeforePx,
            fontSize: type.verdict.sizePx,
            lineHeight: `${type.verdict.linePx}px`,
          }}
          data-testid={`stage-${stage.id}-verdict`}
          data-saturation={stage.queue.verdict.saturation}
          data-shedding={stage.queue.verdict.limit?.shedding ?? false}
        >
          {content.verdict.text}
        </p>
      )}
      {stale.length > 0 && (
        <div
          className="rounded text-warn"
          style={{
            ...wrap,
            marginTop: type.stale.gapBeforePx,
            padding: `${type.stale.padYPx}px 4px`,
            fontSize: type.stale.sizePx,
            lineHeight: `${type.stale.linePx}px`,
            background: 'color-mix(in srgb, var(--color-warn) 15%, transparent)',
          }}
          data-testid={`stage-${stage.id}-stale`}
        >
          {staleText(stale)}
        </div>
      )}
      {spokenExtra && <span className="sr-only">, {spokenExtra}</span>}
      {handles?.source}
    </div>
  );
}
