'use client';

import { Handle, Position, type NodeProps } from '@xyflow/react';
import { StageCard, type StageNodeType } from './stage-card';

export type { StageNodeData, StageNodeType } from './stage-card';

const handleStyle = { background: 'var(--color-muted)', border: 'none' };

/** A stage in React Flow: its card, with the handles edges attach to on the sides the layout runs. */
export function StageNode({ data }: NodeProps<StageNodeType>) {
  const lr = data.direction === 'LR';
  return (
    <StageCard
      data={data}
      handles={{
        target: <Handle type="target" position={lr ? Position.Left : Position.Top} style={handleStyle} />,
        source: <Handle type="source" position={lr ? Position.Right : Position.Bottom} style={handleStyle} />,
      }}
    />
  );
}
