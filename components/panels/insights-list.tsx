import type { Snapshot } from '@/lib/contracts/snapshot';

export function InsightsList({ snapshot }: { snapshot: Snapshot }) {
  const insights = snapshot.insights.filter((i) => i.kind !== 'slo-breach' || !snapshot.bottleneck);
  if (insights.length === 0) return null;
  return (
    <ul className="space-y-1" data-testid="insights">
      {insights.map((i, n) => (
        <li
          key={n}
          className="rounded border border-warn/40 bg-warn/10 px-3 py-2 text-sm"
          data-testid={`insight-${i.kind}`}
        >
          {i.message}
        </li>
      ))}
    </ul>
  );
}
