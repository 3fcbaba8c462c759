/**
 * How loudly the graph draws each stage and edge: the path where latency accumulates should be
 * seen from across the room. The bottleneck (and the queue in front of it) and the edges into and
 * out of it are loudest; stages carrying a heavy share of the end-to-end latency come next, their
 * edges thicker the larger the share.
 */
export type Emphasis = 'bottleneck' | 'heavy' | 'normal';

/** A stage holding at least this share (0..1) of the end-to-end latency is on the hot path. */
export const heavyShare = 0.25;

export const edgeWidthPx = { normal: 1.5, heavyMin: 2.5, heavyMax: 4, bottleneck: 4.5 } as const;

export function stageEmphasis(stage: { id: string; share: number }, bottleneckIds: ReadonlySet<string>): Emphasis {
  if (bottleneckIds.has(stage.id)) return 'bottleneck';
  return stage.share >= heavyShare ? 'heavy' : 'normal';
}

export function edgeEmphasis(
  source: { id: string; share: number } | undefined,
  target: { id: string; share: number } | undefined,
  bottleneckIds: ReadonlySet<string>,
): { emphasis: Emphasis; widthPx: number } {
  if ((source && bottleneckIds.has(source.id)) || (target && bottleneckIds.has(target.id)))
    return { emphasis: 'bottleneck', widthPx: edgeWidthPx.bottleneck };
  const share = Math.max(source?.share ?? 0, target?.share ?? 0);
  if (share < heavyShare) return { emphasis: 'normal', widthPx: edgeWidthPx.normal };
  // From heavyMin at the threshold to heavyMax at the whole latency.
  const t = Math.min(1, (share - heavyShare) / (1 - heavyShare));
  return { emphasis: 'heavy', widthPx: edgeWidthPx.heavyMin + t * (edgeWidthPx.heavyMax - edgeWidthPx.heavyMin) };
}

export const emphasisColour: Record<Emphasis, string> = {
  bottleneck: 'var(--color-crit)',
  heavy: 'var(--color-warn)',
  normal: 'var(--color-muted)',
};
