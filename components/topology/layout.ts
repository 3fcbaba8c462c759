import dagre from '@dagrejs/dagre';
import type { StageSnapshot } from '@/lib/contracts/snapshot';

/**
 * Positions for the topology: the request path left to right in configuration order, stores
 * hanging off the stage before them. dagre does the placement.
 */
export const nodeWidth = 230;
export const nodeHeight = 132;

export interface LaidOutEdge {
  id: string;
  source: string;
  target: string;
}

export function pipelineEdges(stages: Pick<StageSnapshot, 'id' | 'kind'>[]): LaidOutEdge[] {
  const edges: LaidOutEdge[] = [];
  let previous: string | null = null;
  for (const stage of stages) {
    if (previous) edges.push({ id: `${previous}->${stage.id}`, source: previous, target: stage.id });
    if (stage.kind !== 'store') previous = stage.id;
  }
  return edges;
}

export function layoutStages(stages: Pick<StageSnapshot, 'id' | 'kind'>[]): {
  positions: Record<string, { x: number; y: number }>;
  edges: LaidOutEdge[];
} {
  const g = new dagre.graphlib.Graph();
  g.setGraph({ rankdir: 'LR', nodesep: 30, ranksep: 36, marginx: 6, marginy: 6 });
  g.setDefaultEdgeLabel(() => ({}));
  for (const s of stages) g.setNode(s.id, { width: nodeWidth, height: nodeHeight });
  const edges = pipelineEdges(stages);
  for (const e of edges) g.setEdge(e.source, e.target);
  dagre.layout(g);
  const positions: Record<string, { x: number; y: number }> = {};
  for (const s of stages) {
    const n = g.node(s.id);
    positions[s.id] = { x: n.x - nodeWidth / 2, y: n.y - nodeHeight / 2 };
  }
  return { positions, edges };
}
