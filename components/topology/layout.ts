import type { SourceName, StageSnapshot } from '@/lib/contracts/snapshot';
import { isBranching, predecessorsOf } from '@/lib/contracts/stage-graph';
import { nodeContentOf, type NodeContent } from './node-content';

/**
 * Positions for the topology: the request path in configuration order (left to right on a wide
 * screen, top to bottom on a narrow one), stores hanging off the stage before them. dagre does the
 * placement; each node's height comes from what it shows, so long labels wrap instead of being cut
 * and tall nodes never overlap their neighbours.
 */
export type Direction = 'LR' | 'TB';

/** Below this canvas width (px) the graph runs top to bottom: phones, split screens. */
export const narrowBelowPx = 768;

export function directionFor(canvasWidthPx: number): Direction {
  return canvasWidthPx < narrowBelowPx ? 'TB' : 'LR';
}

/**
 * The node's box model and type scale in px. stage-node.tsx draws with these numbers (inline
 * styles), so the heights computed here are the heights drawn. Character widths are generous
 * averages for DejaVu Sans, the widest of the common fallbacks (bold ~0.62 em, regular ~0.56 em):
 * an estimate that errs towards too many lines leaves a little air, too few would overlap.
 */
export const nodeWidth = 260;
export const nodeBox = { borderPx: 2, padXPx: 12, padYPx: 10 } as const;
export const contentWidthPx = nodeWidth - 2 * nodeBox.borderPx - 2 * nodeBox.padXPx;
export const figureGapPx = 8;
export const type = {
  badge: { sizePx: 11, linePx: 16, blockPx: 18, gapAfterPx: 6 },
  label: { sizePx: 15, linePx: 20, emPerChar: 0.66, gapAfterPx: 8 },
  figureValue: { sizePx: 20, linePx: 24, emPerChar: 0.62 },
  figureCaption: { sizePx: 11, linePx: 14, emPerChar: 0.6 },
  figureRowGapPx: 6,
  row: { sizePx: 12, linePx: 16, emPerChar: 0.6, gapBeforePx: 6 },
  verdict: { sizePx: 12, linePx: 16, emPerChar: 0.6, gapBeforePx: 6 },
  stale: { sizePx: 11, linePx: 15, emPerChar: 0.6, padYPx: 2, gapBeforePx: 6 },
} as const;

export function charsPerLine(widthPx: number, sizePx: number, emPerChar: number): number {
  return Math.max(1, Math.floor(widthPx / (sizePx * emPerChar)));
}

/**
 * Lines a text takes when wrapped greedily at word boundaries to `perLine` characters; a word
 * longer than a line is broken (the node wraps with overflow-wrap: anywhere, never cuts).
 */
export function wrappedLines(text: string, perLine: number): number {
  const words = text.split(/\s+/).filter((w) => w.length > 0);
  if (words.length === 0) return 1;
  let lines = 1;
  let used = 0;
  for (const word of words) {
    const need = used === 0 ? word.length : used + 1 + word.length;
    if (need <= perLine) {
      used = need;
      continue;
    }
    if (used > 0) lines += 1;
    lines += Math.ceil(word.length / perLine) - 1;
    used = word.length % perLine || perLine;
  }
  return lines;
}

const columnWidthPx = (contentWidthPx - figureGapPx) / 2;

function figureRowsPx(content: NodeContent): number {
  // Figures fill a two-column grid in order; a span-2 figure starts a row of its own.
  const rows: number[] = [];
  let column = 0;
  for (const f of content.figures) {
    const width = f.span === 2 ? contentWidthPx : columnWidthPx;
    const h =
      wrappedLines(f.value, charsPerLine(width, type.figureValue.sizePx, type.figureValue.emPerChar)) *
        type.figureValue.linePx +
      wrappedLines(f.caption, charsPerLine(width, type.figureCaption.sizePx, type.figureCaption.emPerChar)) *
        type.figureCaption.linePx;
    if (f.span === 2 || column === 0) {
      rows.push(h);
      column = f.span === 2 ? 0 : 1;
    } else {
      rows[rows.length - 1] = Math.max(rows[rows.length - 1]!, h);
      column = 0;
    }
  }
  return rows.reduce((a, b) => a + b, 0) + Math.max(0, rows.length - 1) * type.figureRowGapPx;
}

export function staleText(stale: SourceName[]): string {
  return `stale: ${stale.join(', ')} not answering`;
}

/** The node's height in px for what it shows: label wrapped to the node's width, figures, rows, verdict, stale marker. */
export function nodeHeightOfContent(content: NodeContent): number {
  let h = 2 * nodeBox.borderPx + 2 * nodeBox.padYPx;
  h += type.badge.blockPx + type.badge.gapAfterPx;
  h +=
    wrappedLines(content.label, charsPerLine(contentWidthPx, type.label.sizePx, type.label.emPerChar)) *
      type.label.linePx +
    type.label.gapAfterPx;
  h += figureRowsPx(content);
  const rowChars = charsPerLine(contentWidthPx, type.row.sizePx, type.row.emPerChar);
  if (content.rows.length > 0) h += type.row.gapBeforePx;
  for (const r of content.rows) h += wrappedLines(`${r.caption}  ${r.value}`, rowChars) * type.row.linePx;
  if (content.verdict)
    h +=
      type.verdict.gapBeforePx +
      wrappedLines(content.verdict.text, charsPerLine(contentWidthPx, type.verdict.sizePx, type.verdict.emPerChar)) *
        type.verdict.linePx;
  if (content.stale.length > 0)
    h +=
      type.stale.gapBeforePx +
      2 * type.stale.padYPx +
      wrappedLines(
        staleText(content.stale),
        charsPerLine(contentWidthPx - 8, type.stale.sizePx, type.stale.emPerChar),
      ) *
        type.stale.linePx;
  return Math.ceil(h);
}

export function nodeHeightOf(stage: StageSnapshot, stale: SourceName[] = []): number {
  return nodeHeightOfContent(nodeContentOf(stage, stale));
}

export interface LaidOutEdge {
  id: string;
  source: string;
  target: string;
}

/**
 * The edges a request follows: a chain in list order, each store hanging off the stage before it;
 * where stages say `after` (request types branching and joining), the graph lib/contracts/stage-graph.ts
 * defines for the analysis too.
 */
export function pipelineEdges(stages: Pick<StageSnapshot, 'id' | 'kind' | 'after' | 'consumesFrom'>[]): LaidOutEdge[] {
  const edges: LaidOutEdge[] = [];
  if (isBranching(stages)) {
    for (const [target, sources] of predecessorsOf(stages))
      for (const source of sources) edges.push({ id: `${source}->${target}`, source, target });
    return edges;
  }
  let previous: string | null = null;
  for (const stage of stages) {
    if (previous) edges.push({ id: `${previous}->${stage.id}`, source: previous, target: stage.id });
    if (stage.kind !== 'store') previous = stage.id;
  }
  return edges;
}

export interface LayoutInput {
  id: string;
  kind: StageSnapshot['kind'];
  consumesFrom?: string;
  after?: string[];
  /** px, from nodeHeightOf (or the browser's measure when that is larger). */
  height: number;
}

export interface Layout {
  direction: Direction;
  positions: Record<string, { x: number; y: number }>;
  heights: Record<string, number>;
  edges: LaidOutEdge[];
  /** The whole graph's extent in px at zoom 1. */
  size: { width: number; height: number };
}

/** The canvas's height bounds in px: never a sliver, never more than a laptop screen can spare. */
export const canvasHeightPx = { min: 320, max: 720 } as const;
/** Below this zoom a node's figures stop being readable; fitView goes no further out. */
export const readableZoom = 0.5;

/**
 * The canvas height for a graph: its height at the zoom that fits its width (never below the
 * readable zoom, never above 1), plus a margin, within the bounds.
 */
export function canvasHeightFor(graph: { width: number; height: number }, canvasWidthPx: number): number {
  const zoom = Math.min(1, Math.max(readableZoom, graph.width > 0 ? (canvasWidthPx - 32) / graph.width : 1));
  const wanted = Math.ceil(graph.height * zoom + 48);
  return Math.min(canvasHeightPx.max, Math.max(canvasHeightPx.min, wanted));
}

/**
 * What fitView should frame: every stage when the whole graph fits at a readable zoom; otherwise
 * the stages laid out within one readable screen around the bottleneck (or the first stage without
 * one), so a long pipeline opens where latency accumulates, readable, with the minimap for the
 * rest. The screen is found on the drawing, not in the list, so on a branching pipeline it holds
 * the branches beside the bottleneck as well as the stages before and after it; near an end of the
 * pipeline it is moved inward, not left half empty.
 */
export function fitTargets(
  layout: Layout,
  order: string[],
  canvas: { width: number; height: number },
  focusId: string | null,
  /** The zoom the part will be framed at (fitView's minZoom): the screen's extent on the drawing. */
  frameZoom = readableZoom,
): string[] | null {
  const { width, height } = layout.size;
  if (width === 0 || height === 0) return null;
  const zoom = Math.min(canvas.width / width, canvas.height / height);
  if (zoom >= readableZoom) return null;
  const centreOf = (id: string) => {
    const p = layout.positions[id]!;
    return { x: p.x + nodeWidth / 2, y: p.y + (layout.heights[id] ?? 0) / 2 };
  };
  const placed = order.filter((id) => layout.positions[id] !== undefined);
  const focus = focusId !== null && layout.positions[focusId] ? focusId : placed[0];
  if (focus === undefined) return null;
  const view = { width: canvas.width / frameZoom, height: canvas.height / frameZoom };
  const c = centreOf(focus);
  const clamp = (v: number, max: number) => Math.min(Math.max(0, max), Math.max(0, v));
  const left = clamp(c.x - view.width / 2, width - view.width);
  const top = clamp(c.y - view.height / 2, height - view.height);
  return placed.filter((id) => {
    const n = centreOf(id);
    return n.x >= left && n.x <= left + view.width && n.y >= top && n.y <= top + view.height;
  });
}
