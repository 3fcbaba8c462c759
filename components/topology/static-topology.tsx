'use client';

import type { Snapshot } from '@/lib/contracts/snapshot';
import { nodeWidth, type Layout } from './layout';
import { staleSources } from './format';
import { StageCard } from './stage-card';

/**
 * The topology as the server lays it out, drawn without React Flow: the same cards at the same
 * positions in an SVG scaled to the width, edges as lines. It is in the page's HTML, so a link
 * opened cold shows the pipeline before any script has run; the interactive canvas replaces it
 * once its chunk has loaded. A click or Enter on a card selects the stage, as on the canvas.
 */
export function StaticTopology({
  snapshot,
  layout,
  selectedStageId,
  onSelect,
}: {
  snapshot: Snapshot;
  layout: Layout;
  selectedStageId: string | null;
  onSelect: (id: string | null) => void;
}) {
  const { width, height } = layout.size;
  const bottleneckIds = new Set([snapshot.bottleneck?.stageId, snapshot.bottleneck?.queueStageId]);
  const centre = (id: string, side: 'in' | 'out') => {
    const p = layout.positions[id] ?? { x: 0, y: 0 };
    const h = layout.heights[id] ?? 0;
    return layout.direction === 'LR'
      ? { x: p.x + (side === 'out' ? nodeWidth : 0), y: p.y + h / 2 }
      : { x: p.x + nodeWidth / 2, y: p.y + (side === 'out' ? h : 0) };
  };
  const activate = (id: string) => onSelect(id === selectedStageId ? null : id);
  return (
    <div
      className="w-full overflow-hidden"
      data-testid="topology-canvas"
      data-static="true"
      data-direction={layout.direction}
      data-stages={snapshot.stages.length}
    >
      <svg
        viewBox={`0 0 ${Math.max(1, width)} ${Math.max(1, height)}`}
        className="block w-full"
        style={{ maxHeight: 720, height: 'auto' }}
        role="group"
        aria-label="Pipeline topology"
      >
        {layout.edges.map((e) => {
          const from = centre(e.source, 'out');
          const to = centre(e.target, 'in');
          const hot = bottleneckIds.has(e.source) && bottleneckIds.has(e.target);
          return (
            <line
              key={e.id}
              x1={from.x}
              y1={from.y}
              x2={to.x}
              y2={to.y}
              stroke={hot ? 'var(--color-crit)' : 'var(--color-muted)'}
              strokeWidth={hot ? 4.5 : 1.5}
            />
          );
        })}
        {snapshot.stages.map((stage) => {
          const p = layout.positions[stage.id];
          if (!p) return null;
          const h = layout.heights[stage.id] ?? 0;
          return (
            // The card may draw a little taller than reserved (fonts): room below it, never clipped.
            <foreignObject key={stage.id} x={p.x} y={p.y} width={nodeWidth} height={h + 40}>
              <div onClick={() => activate(stage.id)}>
                <StageCard
                  data={{
                    stage,
                    bottleneck: bottleneckIds.has(stage.id),
                    stale: staleSources(stage, snapshot),
                    selected: stage.id === selectedStageId,
                    direction: layout.direction,
                    heightPx: h,
                    onActivate: activate,
                    onFocusStage: () => undefined,
                  }}
                />
              </div>
            </foreignObject>
          );
        })}
      </svg>
    </div>
  );
}
