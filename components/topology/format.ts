import type { SourceName, StageSnapshot, Snapshot } from '@/lib/contracts/snapshot';

export function ms(v: number | null | undefined): string {
  if (v === null || v === undefined) return '–';
  if (v < 1000) return `${Math.round(v)} ms`;
  if (v < 100_000) return `${(v / 1000).toFixed(1)} s`;
  return `${Math.round(v / 1000)} s`;
}

export function rate(v: number | null | undefined): string {
  if (v === null || v === undefined) return '–';
  return v >= 10 ? `${Math.round(v)}/s` : `${v.toFixed(1)}/s`;
}

export function count(v: number | null | undefined): string {
  return v === null || v === undefined ? '–' : Math.round(v).toLocaleString('en-US');
}

/** Which sources feed a stage's numbers, for its stale marker. */
export function sourcesOf(stage: StageSnapshot): SourceName[] {
  const out: SourceName[] = [];
  if (stage.queue) out.push('rabbitmq');
  if (stage.latency || stage.gpu) out.push('prometheus');
  if (stage.workers) out.push('nomad');
  return out;
}

export function staleSources(stage: StageSnapshot, snapshot: Snapshot): SourceName[] {
  return sourcesOf(stage).filter((s) => snapshot.sources[s].status !== 'ok');
}

/**
 * Share of end-to-end latency to the colour of the node's share bar and of the edges around it,
 * from the theme's variables (app/globals.css) so that a light theme recolours it too.
 */
export function shareColour(share: number): string {
  if (share >= 0.5) return 'var(--color-crit)';
  if (share >= 0.25) return 'var(--color-warn)';
  return 'var(--color-muted)';
}
