'use client';

import { useCallback, useMemo, useState } from 'react';
import { Background, MarkerType, ReactFlow, type Edge, type NodeChange } from '@xyflow/react';
import '@xyflow/react/dist/style.css';
import type { Snapshot } from '@/lib/contracts/snapshot';
import { layoutStages } from './layout';
import { rate, staleSources } from './format';
import { StageNode, type StageNodeType } from './stage-node';

const nodeTypes = { stage: StageNode };

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
  const stageIds = snapshot.stages.map((s) => `${s.id}:${s.kind}`).join(',');
  // Layout depends only on the stages, not on the numbers: nodes stay put between updates.
  // eslint-disable-next-line react-hooks/exhaustive-deps
  const layout = useMemo(() => layoutStages(snapshot.stages), [stageIds]);
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
  const bottleneckIds = new Set([snapshot.bottleneck?.stageId, snapshot.bottleneck?.queueStageId].filter(Boolean));
  const nodes: StageNodeType[] = snapshot.stages.map((stage) => ({
    id: stage.id,
    type: 'stage',
    position: layout.positions[stage.id] ?? { x: 0, y: 0 },
    ...(sizes[stage.id] ? { measured: sizes[stage.id] } : {}),
    data: {
      stage,
      bottleneck: bottleneckIds.has(stage.id),
      stale: staleSources(stage, snapshot),
      selected: stage.id === selectedStageId,
    },
    draggable: false,
  }));
  const byId = new Map(snapshot.stages.map((s) => [s.id, s]));
  const edges: Edge[] = layout.edges.map((e) => {
    const source = byId.get(e.source);
    const target = byId.get(e.target);
    // Throughput on an edge: into a queue, its publish rate; out of a queue, its deliver rate.
    const throughput = target?.queue?.publishRate ?? source?.queue?.deliverRate ?? null;
    const hot = bottleneckIds.has(e.source) && bottleneckIds.has(e.target);
    return {
      id: e.id,
      source: e.source,
      target: e.target,
      label: throughput === null ? undefined : rate(throughput),
      animated: throughput !== null && throughput > 0,
      style: { stroke: hot ? '#ef5a5a' : '#3b4a5c', strokeWidth: hot ? 2.5 : 1.5 },
      labelStyle: { fill: '#d6dde6', fontSize: 11 },
      labelBgStyle: { fill: '#121821' },
      markerEnd: { type: MarkerType.ArrowClosed, color: hot ? '#ef5a5a' : '#3b4a5c' },
    };
  });
  return (
    <div className="h-[320px] w-full" data-testid="topology-canvas">
      <ReactFlow
        nodes={nodes}
        edges={edges}
        nodeTypes={nodeTypes}
        onNodesChange={onNodesChange}
        fitView
        fitViewOptions={{ padding: 0.1 }}
        proOptions={{ hideAttribution: true }}
        nodesConnectable={false}
        onNodeClick={(_, node) => onSelect(node.id === selectedStageId ? null : node.id)}
        onPaneClick={() => onSelect(null)}
        colorMode="dark"
      >
        <Background color="#1f2a37" gap={24} />
      </ReactFlow>
    </div>
  );
}
