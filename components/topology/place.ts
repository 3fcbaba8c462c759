import dagre from '@dagrejs/dagre';
import { nodeWidth, pipelineEdges, type Direction, type Layout, type LayoutInput } from './layout';

/**
 * dagre's placement of the stages, apart from the sizing rules in layout.ts so that what the
 * browser needs before the interactive canvas loads (the node's box model) does not bring dagre
 * with it: the server lays out the first view, the canvas chunk lays out every later one.
 */
export function layoutStages(stages: LayoutInput[], direction: Direction = 'LR'): Layout {
  const g = new dagre.graphlib.Graph();
  // Across ranks there is room for an edge's throughput label; within a rank, air between boxes.
  g.setGraph({
    rankdir: direction,
    nodesep: direction === 'LR' ? 28 : 36,
    ranksep: direction === 'LR' ? 56 : 44,
    marginx: 8,
    marginy: 8,
  });
  g.setDefaultEdgeLabel(() => ({}));
  for (const s of stages) g.setNode(s.id, { width: nodeWidth, height: s.height });
  const edges = pipelineEdges(stages);
  for (const e of edges) g.setEdge(e.source, e.target);
  dagre.layout(g);
  const positions: Record<string, { x: number; y: number }> = {};
  const heights: Record<string, number> = {};
  for (const s of stages) {
    const n = g.node(s.id);
    positions[s.id] = { x: n.x - nodeWidth / 2, y: n.y - s.height / 2 };
    heights[s.id] = s.height;
  }
  const graph = g.graph();
  return {
    direction,
    positions,
    heights,
    edges,
    size: { width: graph.width ?? 0, height: graph.height ?? 0 },
  };
}
