import type { Recommendation, Snapshot } from '@/lib/contracts/snapshot';
import { isSloBreached as breached } from '@/lib/contracts/slo';
import { ScaleButton } from '@/components/actions/scale-button';
import type { Viewer } from '@/lib/contracts/viewer';
import { ms } from '../topology/format';

/** Says when the end-to-end figure is estimated, and when the stages' own figures overlap it. */
function EndToEndNote({ e2e, q }: { e2e: Snapshot['endToEnd']; q: number }) {
  if (e2e.estimated)
    return (
      <span className="text-warn" data-testid="e2e-estimated">
        {' '}
        (estimated: the sum of the queue waits and stage timings; no end-to-end latency is measured)
      </span>
    );
  if (e2e.pMs !== null && e2e.stagesSumMs !== undefined && e2e.stagesSumMs > e2e.pMs)
    return (
      <span className="text-muted" data-testid="e2e-overlap">
        {' '}
        · the stages&apos; own p{q}s add up to {ms(e2e.stagesSumMs)}: the slowest requests differ per stage, so each
        stage&apos;s part is scaled to fit
      </span>
    );
  return null;
}

/** The one sentence an on-call engineer needs first: where the time goes, and what fixes it. */
export function BottleneckBanner({
  snapshot,
  viewer,
  past = false,
}: {
  snapshot: Snapshot;
  viewer: Viewer | null;
  /** A replayed moment: what was recommended then is shown, but nothing can be done to the past. */
  past?: boolean;
}) {
  const e2e = snapshot.endToEnd;
  const q = Math.round(e2e.quantile * 100);
  const overSlo = breached(snapshot);
  const b = snapshot.bottleneck;
  if (!b) {
    return (
      <section
        className="rounded-lg border border-ok/40 bg-ok/10 px-4 py-3"
        data-testid="bottleneck-banner"
        data-state="healthy"
      >
        <p className="text-sm">
          <span className="font-semibold text-ok">No bottleneck.</span> End-to-end p{q} {e2e.estimated ? '~' : ''}
          {ms(e2e.pMs)} against a {ms(e2e.sloMs)} SLO.
          <EndToEndNote e2e={e2e} q={q} />
        </p>
      </section>
    );
  }
  const stage = snapshot.stages.find((s) => s.id === b.stageId);
  const r = b.recommendation;
  return (
    <section
      className="rounded-lg border-2 border-crit bg-crit/10 px-4 py-3"
      data-testid="bottleneck-banner"
      data-state="bottleneck"
      data-stage={b.stageId}
    >
      <p className="text-base">
        <span className="font-semibold text-crit">Bottleneck: {stage?.label ?? b.stageId}.</span>{' '}
        <span data-testid="bottleneck-reason">{b.reason}</span>
      </p>
      <p className="mt-1 text-sm text-muted">
        End-to-end p{q} {e2e.estimated ? '~' : ''}
        {ms(e2e.pMs)}
        {overSlo ? <span className="text-crit"> (SLO {ms(e2e.sloMs)} breached)</span> : <> (SLO {ms(e2e.sloMs)})</>}
        <EndToEndNote e2e={e2e} q={q} />
      </p>
      {r && (
        <p className="mt-2 text-sm" data-testid="bottleneck-recommendation">
          <span className="font-semibold">Recommended:</span> scale Nomad job <span className="font-mono">{r.job}</span>
          , group <span className="font-mono">{r.group}</span> from {r.from} to{' '}
          <span className="font-semibold">{r.to}</span>
          {r.drainSeconds !== undefined ? `; the backlog would drain in about ${r.drainSeconds} s.` : '.'}
        </p>
      )}
      {r?.basis && (
        <p className="mt-1 text-xs text-muted" data-testid="recommendation-basis">
          {sizedFor(r.basis)}
        </p>
      )}
      {r?.notes && r.notes.length > 0 && (
        <ul className="mt-1 list-disc pl-5 text-xs" data-testid="recommendation-notes">
          {r.notes.map((n) => (
            <li key={n}>{n}</li>
          ))}
        </ul>
      )}
      {r && past && (
        <p className="mt-2 text-xs text-muted" data-testid="replay-no-actions">
          A past moment: actions are on the live page.
        </p>
      )}
      {r && !past && (
        <div className="mt-2">
          <ScaleButton
            job={r.job}
            group={r.group}
            suggested={r.to}
            viewer={viewer}
            label={`Scale ${r.group} to ${r.to}…`}
          />
        </div>
      )}
    </section>
  );
}

/** What the recommended count was sized for, in one sentence. */
function sizedFor(b: NonNullable<Recommendation['basis']>): string {
  const rate = (n: number) => `${n}/s`;
  const trend =
    b.trendPerSecPerMin !== null && b.trendPerSecPerMin > 0
      ? `, rising ${b.trendPerSecPerMin}/s a minute`
      : b.trendPerSecPerMin === null
        ? ', no trend yet'
        : ', not rising';
  const horizon = Math.round(b.horizonSec / 60);
  const start = b.startupLearned
    ? `new consumers start in about ${b.startupSec} s (seen at earlier scale ups)`
    : `new consumers assumed to start in ${b.startupSec} s (no scale up seen yet)`;
  return `Sized for ${rate(b.projectedPerSec)} over the next ${horizon} min (now ${rate(b.arrivalPerSec)}${trend}) at ${rate(b.perConsumerPerSec)} per consumer and ${Math.round(b.targetUtilisation * 100)}% busy; ${start}.`;
}
