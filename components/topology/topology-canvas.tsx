'use client';

import { useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState, type CSSProperties } from 'react';
import {
  Background,
  Controls,
  MarkerType,
  MiniMap,
  ReactFlow,
  type Edge,
  type NodeChange,
  type ReactFlowInstance,
} from '@xyflow/react';
import '@xyflow/react/dist/style.css';
import type { Snapshot } from '@/lib/contracts/snapshot';
import { canvasHeightFor, directionFor, fitTargets, nodeHeightOf, nodeWidth, readableZoom } from './layout';
import { layoutStages } from './place';
import { edgeEmphasis, emphasisColour, stageEmphasis } from './emphasis';
import { rate, staleSources } from './format';
import { StageNode, type StageNodeType } from './stage-node';

const nodeTypes = { stage: StageNode };

/** From this many stages the graph gets zoom controls, from `minimapFrom` a minimap. */
export const controlsFrom = 8;
export const minimapFrom = 12;
/** The least zoom a narrow canvas frames part of a long pipeline at: a phone is read up close. */
const phoneZoom = 0.7;

/**
 * React Flow's own chrome (controls, minimap, edge labels) in the theme's colours, so that it
 * follows app/globals.css whichever scheme it defines.
 */
const themeVars = {
  '--xy-background-color': 'var(--color-surface)',
  '--xy-background-pattern-color': 'var(--color-edge)',
  '--xy-edge-label-background-color': 'var(--color-panel)',
  '--xy-edge-label-color': 'var(--color-ink)',
  '--xy-controls-button-background-color': 'var(--color-panel)',
  '--xy-controls-button-background-color-hover': 'var(--color-edge)',
  '--xy-controls-button-color': 'var(--color-ink)',
  '--xy-controls-button-color-hover': 'var(--color-ink)',
  '--xy-controls-button-border-color': 'var(--color-edge)',
  '--xy-minimap-background-color': 'var(--color-panel)',
  '--xy-minimap-mask-background-color': 'color-mix(in srgb, var(--color-surface) 60%, transparent)',
  '--xy-minimap-mask-stroke-color': 'var(--color-ink)',
} as CSSProperties;

/** The pipeline as a graph: one node per stage, edges labelled with the throughput between them. */
export function TopologyCanvas({
  snapshot,
  selectedStageId,
  onSelect,
}: {
  snapshot: Snapshot;
  selectedStageId: string | null;
  onSelect: (id: string | null) => void;
}) {
  const containerRef = useRef<HTMLDivElement>(null);
  const [widthPx, setWidthPx] = useState<number | null>(null);
  useLayoutEffect(() => {
    const el = containerRef.current;
    if (!el) return;
    setWidthPx(el.clientWidth);
    const observer = new ResizeObserver(([entry]) => {
      if (entry) setWidthPx(Math.round(entry.contentRect.width));
    });
    observer.observe(el);
    return () => observer.disconnect();
  }, []);
  const direction = directionFor(widthPx ?? 1024);

  // Each snapshot makes new node objects; React Flow hides a node it has no size for until it
  // measures it again, so without the sizes carried over every node blinked out on each update
  // (and on a busy machine stayed hidden). Sizes change only when a node's content does.
  const [sizes, setSizes] = useState<Record<string, { width: number; height: number }>>({});
  const onNodesChange = useCallback((changes: NodeChange<StageNodeType>[]) => {
    const measured = changes.flatMap((c) =>
      c.type === 'dimensions' && c.dimensions ? [[c.id, c.dimensions] as const] : [],
    );
    if (measured.length === 0) return;
    setSizes((prev) =>
      measured.every(([id, d]) => prev[id]?.width === d.width && prev[id]?.height === d.height)
        ? prev
        : { ...prev, ...Object.fromEntries(measured) },
    );
  }, []);

  const stale = new Map(snapshot.stages.map((s) => [s.id, staleSources(s, snapshot)]));
  // The reserved height is what the node will show; should the browser draw it taller (a font
  // wider than the estimate), its measure wins, so boxes never overlap.
  const heights = snapshot.stages.map((s) =>
    Math.max(nodeHeightOf(s, stale.get(s.id)), Math.ceil(sizes[s.id]?.height ?? 0)),
  );
  const stageSet = snapshot.stages
    .map((s) => `${s.id}:${s.kind}:${s.consumesFrom ?? ''}:${s.after?.join('+') ?? ''}`)
    .join(',');
  const layoutKey = `${direction}|${stageSet}|${heights.join(',')}`;
  // Layout depends only on the stages and their heights, not on the numbers: nodes stay put
  // between updates unless a node grows or shrinks.
  const layout = useMemo(
    () =>
      layoutStages(
        snapshot.stages.map((s, i) => ({
          id: s.id,
          kind: s.kind,
          consumesFrom: s.consumesFrom,
          after: s.after,
          height: heights[i]!,
        })),
        direction,
      ),
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [layoutKey],
  );
  const canvasHeight = canvasHeightFor(layout.size, widthPx ?? 1024);

  const [flow, setFlow] = useState<ReactFlowInstance<StageNodeType> | null>(null);
  const bottleneckIds = new Set(
    [snapshot.bottleneck?.stageId, snapshot.bottleneck?.queueStageId].filter((id): id is string => Boolean(id)),
  );
  const focusId = snapshot.bottleneck?.queueStageId ?? snapshot.bottleneck?.stageId ?? null;
  const order = snapshot.stages.map((s) => s.id);
  // What the effects and handlers below read without re-running on every snapshot.
  const latest = useRef({ layout, order, focusId });
  useLayoutEffect(() => {
    latest.current = { layout, order, focusId };
  });
  // Framed anew when the canvas is resized or turned, or the set of stages changes; not on every
  // update, which would take the view from under someone panning it.
  useEffect(() => {
    if (!flow || widthPx === null) return;
    const { layout, order, focusId } = latest.current;
    // Framing part of a long pipeline: at a zoom its figures can be read, more so on a phone.
    const partZoom = direction === 'TB' ? phoneZoom : readableZoom;
    const targets = fitTargets(layout, order, { width: widthPx, height: canvasHeight }, focusId, partZoom);
    void flow.fitView({
      padding: 0.08,
      maxZoom: 1,
      minZoom: targets ? partZoom : 0.1,
      nodes: targets?.map((id) => ({ id })),
    });
  }, [flow, widthPx, canvasHeight, direction, stageSet]);

  const onFocusStage = (id: string) => {
    if (!flow || widthPx === null) return;
    const p = layout.positions[id];
    const h = layout.heights[id] ?? 0;
    if (!p) return;
    const { x, y, zoom } = flow.getViewport();
    const left = p.x * zoom + x;
    const top = p.y * zoom + y;
    const inside = left >= 0 && top >= 0 && left + nodeWidth * zoom <= widthPx && top + h * zoom <= canvasHeight;
    if (!inside) void flow.setCenter(p.x + nodeWidth / 2, p.y + h / 2, { zoom: Math.max(zoom, readableZoom) });
  };
  const activate = (id: string) => onSelect(id === selectedStageId ? null : id);

  const nodes: StageNodeType[] = snapshot.stages.map((stage) => ({
    id: stage.id,
    type: 'stage',
    position: layout.positions[stage.id] ?? { x: 0, y: 0 },
    ...(sizes[stage.id] ? { measured: sizes[stage.id] } : {}),
    data: {
      stage,
      bottleneck: bottleneckIds.has(stage.id),
      stale: stale.get(stage.id) ?? [],
      selected: stage.id === selectedStageId,
      direction,
      heightPx: layout.heights[stage.id] ?? 0,
      onActivate: activate,
      onFocusStage,
    },
    draggable: false,
  }));
  const byId = new Map(snapshot.stages.map((s) => [s.id, s]));
  const incoming = new Map<string, number>();
  for (const e of layout.edges) incoming.set(e.target, (incoming.get(e.target) ?? 0) + 1);
  /** What one branch sends into a join: a queue's deliveries, or those of the queue a group drains. */
  const branchRate = (s: (typeof snapshot.stages)[number] | undefined) =>
    s?.queue?.deliverRate ?? (s?.consumesFrom ? (byId.get(s.consumesFrom)?.queue?.deliverRate ?? null) : null);
  const edges: Edge[] = layout.edges.map((e) => {
    const source = byId.get(e.source);
    const target = byId.get(e.target);
    // Throughput on an edge: into a queue, its publish rate; out of a queue, its deliver rate;
    // into a join (request types meeting), each branch's own rate, not the join's total.
    const throughput =
      (incoming.get(e.target) ?? 0) > 1
        ? branchRate(source)
        : (target?.queue?.publishRate ?? source?.queue?.deliverRate ?? null);
    const { emphasis, widthPx: strokeWidth } = edgeEmphasis(source, target, bottleneckIds);
    const colour = emphasisColour[emphasis];
    return {
      id: e.id,
      source: e.source,
      target: e.target,
      label: throughput === null ? undefined : rate(throughput),
      animated: throughput !== null && throughput > 0,
      style: { stroke: colour, strokeWidth },
      labelStyle: { fill: 'var(--color-ink)', fontSize: 13, fontWeight: 600 },
      labelBgStyle: { fill: 'var(--color-panel)' },
      labelBgPadding: [4, 2] as [number, number],
      // The arrowhead scales with the stroke (markerUnits strokeWidth): kept the same size on screen.
      markerEnd: { type: MarkerType.ArrowClosed, color: colour, width: 30 / strokeWidth, height: 30 / strokeWidth },
      zIndex: emphasis === 'normal' ? 0 : 1,
    };
  });
  const narrow = direction === 'TB';
  return (
    <div
      ref={containerRef}
      className="w-full"
      style={{ height: canvasHeight }}
      data-testid="topology-canvas"
      data-direction={direction}
      data-stages={snapshot.stages.length}
    >
      {widthPx !== null && (
        <ReactFlow
          nodes={nodes}
          edges={edges}
          nodeTypes={nodeTypes}
          onNodesChange={onNodesChange}
          onInit={setFlow}
          minZoom={0.1}
          maxZoom={1.5}
          proOptions={{ hideAttribution: true }}
          nodesConnectable={false}
          // The node's own element takes focus (role=button, labelled); React Flow's wrapper would
          // be a second, unlabelled tab stop per node.
          nodesFocusable={false}
          edgesFocusable={false}
          onNodeClick={(_, node) => activate(node.id)}
          onPaneClick={() => onSelect(null)}
          colorMode="system"
          style={themeVars}
        >
          <Background color="var(--color-edge)" gap={24} />
          {snapshot.stages.length >= controlsFrom && <Controls showInteractive={false} position="top-left" />}
          {snapshot.stages.length >= minimapFrom && (
            <MiniMap
              pannable
              zoomable
              ariaLabel="Minimap of the pipeline"
              style={narrow ? { width: 120, height: 90 } : { width: 200, height: 130 }}
              nodeColor={(n) => {
                const stage = byId.get(n.id);
                return stage ? emphasisColour[stageEmphasis(stage, bottleneckIds)] : 'var(--color-muted)';
              }}
              nodeStrokeWidth={0}
            />
          )}
        </ReactFlow>
      )}
    </div>
  );
}
