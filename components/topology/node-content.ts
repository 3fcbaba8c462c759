import type { SourceName, StageSnapshot } from '@/lib/contracts/snapshot';
import { count, ms, rate } from './format';

/**
 * What a stage's node shows, as data: the node renders it and layout.ts sizes the node from it,
 * so the box dagre reserves and the box the browser draws come from the same list.
 *
 * Figures are the numbers read from across the room (large type, a small caption under each);
 * rows are the smaller "caption: value" lines under them.
 */
export interface Figure {
  value: string;
  caption: string;
  /** Columns of the two-column figure grid this figure takes. */
  span: 1 | 2;
  testId?: string;
  tone?: 'crit' | 'warn';
}

export interface DetailRow {
  caption: string;
  value: string;
  testId?: string;
}

export interface NodeContent {
  kind: StageSnapshot['kind'];
  label: string;
  figures: Figure[];
  rows: DetailRow[];
  /** A queue's verdict in one line, wrapped; `attention` when it calls for a look. */
  verdict: { text: string; attention: boolean } | null;
  stale: SourceName[];
}

/** Saturated or starved consumers, load shed at the limit, dead letters flowing, publishers held back. */
export function needsAttention(v: NonNullable<NonNullable<StageSnapshot['queue']>['verdict']>): boolean {
  return (
    v.saturation === 'saturated' ||
    v.saturation === 'no-consumers' ||
    v.limit?.shedding === true ||
    (v.deadLetter?.perSec ?? 0) > 0 ||
    (v.publishers !== undefined && (v.publishers.alarm !== null || v.publishers.blocked + v.publishers.flow > 0))
  );
}

export function shareTone(share: number): Figure['tone'] {
  return share >= 0.5 ? 'crit' : share >= 0.25 ? 'warn' : undefined;
}

export function nodeContentOf(stage: StageSnapshot, stale: SourceName[] = []): NodeContent {
  const figures: Figure[] = [];
  const rows: DetailRow[] = [];
  const q = stage.queue;
  if (q) {
    figures.push({
      value: `${count(q.ready)} / ${count(q.consumers)}`,
      caption: 'ready / consumers',
      span: 2,
      testId: `stage-${stage.id}-ready`,
    });
    figures.push({ value: ms(stage.waitMs), caption: 'wait', span: 1 });
  } else if (stage.kind === 'queue')
    // The broker has not answered for this queue (down, or no such queue): said, not left blank.
    figures.push({ value: '–', caption: 'ready / consumers: no data', span: 2, testId: `stage-${stage.id}-ready` });
  if (stage.workers)
    figures.push({
      value: `${stage.workers.running} / ${stage.workers.desired}`,
      caption: 'running / desired',
      span: 1,
      testId: `stage-${stage.id}-workers`,
    });
  if (stage.latency) figures.push({ value: ms(stage.latency.p90Ms), caption: 'p90 latency', span: 1 });
  if (stage.gpu) figures.push({ value: `${Math.round(stage.gpu.utilPct)}%`, caption: 'GPU busy', span: 1 });
  figures.push({
    value: `${Math.round(stage.share * 100)}%`,
    caption: 'share of latency',
    span: 1,
    tone: shareTone(stage.share),
  });

  if (q) {
    rows.push({ caption: 'in → out', value: `${rate(q.publishRate)} → ${rate(q.deliverRate)}` });
    if (q.verdict?.limit)
      rows.push({
        caption: 'limit',
        value: `${q.verdict.limit.fullPct}% · ${q.verdict.limit.overflow}`,
        testId: `stage-${stage.id}-limit`,
      });
  }
  if (stage.workers?.autoscaler) {
    const a = stage.workers.autoscaler;
    rows.push({
      caption: 'autoscaler',
      value: a.enabled ? `on, ${a.min ?? 0}–${a.max}` : 'policy off',
      testId: `stage-${stage.id}-autoscaler`,
    });
  }
  if (stage.latency)
    rows.push({ caption: 'p50 · p99', value: `${ms(stage.latency.p50Ms)} · ${ms(stage.latency.p99Ms)}` });

  return {
    kind: stage.kind,
    label: stage.label,
    figures,
    rows,
    verdict: q?.verdict ? { text: q.verdict.summary, attention: needsAttention(q.verdict) } : null,
    stale,
  };
}

/**
 * What a screen reader hears beyond the card's visible text (which is the node's accessible name,
 * so that the name always contains what is seen: WCAG 2.5.3): the stage's share of the latency,
 * unless its key figure already says it.
 */
export function nodeSpokenExtra(stage: StageSnapshot): string {
  const key = nodeContentOf(stage).figures[0]!;
  return key.caption === 'share of latency' ? '' : `${Math.round(stage.share * 100)}% of latency`;
}
