import { describe, expect, it } from 'vitest';
import { analyze } from '../analysis/analyze';
import { scenarioObservations } from '../analysis/fixtures';
import type { Snapshot } from '../contracts/snapshot';
import type { TimelineEvent } from '../contracts/timeline';
import type { History } from '../store/history';
import { parseAt } from '../contracts/time';
import { HistoryRecorder } from './recorder';

describe('parseAt', () => {
  const now = Date.parse('2026-11-22T10:00:00Z');
  it.each([
    ['2026-11-22T09:42:00Z', '2026-11-22T09:42:00.000Z'],
    ['2026-11-22T10:42:00+01:00', '2026-11-22T09:42:00.000Z'],
    ['2026-11-22T09:42Z', '2026-11-22T09:42:00.000Z'],
  ])('%s is %s', (raw, iso) => {
    const r = parseAt(raw, now);
    expect(r.ok && r.at.toISOString()).toBe(iso);
  });
  it.each([
    [null, 'at is empty'],
    ['yesterday', 'not an ISO 8601 time with a zone'],
    ['2026-11-22T09:42:00', 'not an ISO 8601 time with a zone'],
    ['2026-13-45T99:00:00Z', 'not a valid time'],
    ['2026-11-23T09:42:00Z', 'is in the future'],
  ])('%s is refused: %s', (raw, message) => {
    const r = parseAt(raw, now);
    expect(!r.ok && r.message).toContain(message);
  });
});

type Batch = Parameters<History['saveBatch']>[1];

/** A store in memory; `fail` (when it returns an error) refuses a batch whole, as a transaction would. */
function fakeStore(fail: (batch: Batch) => Error | null = () => null) {
  const snapshots: Snapshot[] = [];
  const events: TimelineEvent[] = [];
  const store = {
    saveBatch: async (_p: string, batch: Batch) => {
      const err = fail(batch);
      if (err) throw err;
      events.push(...batch.events);
      snapshots.push(...batch.snapshots.map((i) => i.snapshot));
      return batch.snapshots.reduce((n, i) => n + JSON.stringify(i.snapshot).length, 0);
    },
    prune: async () => undefined,
  } as unknown as History;
  return { store, snapshots, events };
}

describe('HistoryRecorder', () => {
  const steady = analyze(scenarioObservations.steady);
  const starving = analyze(scenarioObservations.replyStarvation);

  it('stores at most one snapshot per interval while things change, none while they do not, and every event at once', async () => {
    const { store, snapshots, events } = fakeStore();
    const r = new HistoryRecorder(store, 'p', { everyMs: 5000, retentionHours: 1 });
    await r.record(steady, 0);
    await r.record(steady, 5000);
    await r.record(steady, 10_000);
    expect(snapshots).toHaveLength(1);
    // A new bottleneck is stored at once, even inside the interval.
    await r.record(starving, 11_000);
    expect(snapshots).toHaveLength(2);
    expect(events.map((e) => e.kind)).toEqual(['bottleneck-appeared', 'slo-breach-began', 'queue-above-threshold']);
    const deeper = {
      ...starving,
      stages: starving.stages.map((s) =>
        s.queue && s.id === 'reply-queue' ? { ...s, queue: { ...s.queue, ready: 500 } } : s,
      ),
    };
    await r.record(deeper, 12_000);
    expect(snapshots).toHaveLength(2);
    await r.record(deeper, 16_000);
    expect(snapshots).toHaveLength(3);
    expect(r.storedCount).toBe(3);
  });

  it('holds events and due snapshots while the store is down and writes them, in order, when it is back', async () => {
    let down = false;
    const { store: flaky, snapshots, events } = fakeStore(() => (down ? new Error('connection refused') : null));
    const told: string[] = [];
    const r = new HistoryRecorder(
      flaky,
      'p',
      { everyMs: 1000, retentionHours: 1 },
      async (batch) => void told.push(...batch.map((e) => e.kind)),
    );
    await r.record(steady, 5000);
    down = true;
    await r.record(starving, 7000);
    await r.record(steady, 9000);
    expect(r.lastError).toBe('connection refused');
    expect(r.pending).toEqual({ events: 6, snapshots: 2 });
    expect(r.storedEvents).toBe(0);
    down = false;
    await r.record(steady, 11_000);
    expect(r.pending).toEqual({ events: 0, snapshots: 0 });
    expect(events.map((e) => e.kind)).toEqual([
      'bottleneck-appeared',
      'slo-breach-began',
      'queue-above-threshold',
      'bottleneck-cleared',
      'slo-breach-ended',
      'queue-below-threshold',
    ]);
    expect(told).toEqual(events.map((e) => e.kind));
    expect(snapshots.map((s) => s.bottleneck?.stageId ?? null)).toEqual([null, 'reply-consumers', null]);
    expect(r.storedCount).toBe(3);
  });

  it('writes the events with the snapshots that carry them, or neither; a failed batch is retried whole, nothing twice', async () => {
    let calls = 0;
    const { store: flaky, events, snapshots } = fakeStore(() => (++calls === 2 ? new Error('timeout') : null));
    const r = new HistoryRecorder(flaky, 'p', { everyMs: 1000, retentionHours: 1 });
    await r.record(steady, 5000);
    await r.record(starving, 6000);
    expect(r.lastError).toBe('timeout');
    // Neither the three events nor the snapshot they came with: a successor resuming from the last
    // stored snapshot derives them again, once.
    expect(events).toHaveLength(0);
    expect(snapshots).toHaveLength(1);
    expect(r.pending).toEqual({ events: 3, snapshots: 1 });
    await r.record(steady, 8000);
    expect(events.map((e) => e.kind)).toEqual([
      'bottleneck-appeared',
      'slo-breach-began',
      'queue-above-threshold',
      'bottleneck-cleared',
      'slo-breach-ended',
      'queue-below-threshold',
    ]);
    expect(snapshots.map((s) => s.bottleneck?.stageId ?? null)).toEqual([null, 'reply-consumers', null]);
    expect(r.storedEvents).toBe(6);
    expect(r.storedCount).toBe(3);
  });

  it('writes under the fence it is given at the time of writing', async () => {
    const fences: unknown[] = [];
    const { store } = fakeStore();
    const fenced = {
      ...store,
      saveBatch: async (p: string, b: Batch, f: unknown) => (fences.push(f), store.saveBatch(p, b)),
    } as History;
    let term = 3;
    const r = new HistoryRecorder(
      fenced,
      'p',
      { everyMs: 1000, retentionHours: 1 },
      undefined,
      () => true,
      () => ({ name: 'p', term }),
    );
    await r.record(steady, 5000);
    term = 4;
    await r.record(starving, 6000);
    expect(fences).toEqual([
      { name: 'p', term: 3 },
      { name: 'p', term: 4 },
    ]);
  });

  it('while a write hangs, new records may trim the queue without losing or repeating what is in flight', async () => {
    let release: () => void = () => undefined;
    let first = true;
    const { store, events } = fakeStore();
    const slow = {
      ...store,
      saveBatch: async (p: string, b: Batch) => {
        if (first && b.events.length > 0) {
          first = false;
          await new Promise<void>((resolve) => (release = resolve));
        }
        return store.saveBatch(p, b);
      },
    } as History;
    const r = new HistoryRecorder(slow, 'p', { everyMs: 1000, retentionHours: 1, maxPendingEvents: 4 });
    await r.record(steady, 5000);
    const hanging = r.record(starving, 6000);
    // Three more transitions arrive while the first three events are being written.
    await r.record(steady, 7000);
    await r.record(starving, 8000);
    release();
    await hanging;
    await r.record(starving, 9000);
    // The same event object stored twice would be a repeat.
    expect(new Set(events).size).toBe(events.length);
    // 9 events derived: every one either stored or counted as dropped, none twice.
    expect(events.length + r.dropped).toBe(9);
    expect(r.pending.events).toBe(0);
  });

  it('prunes a minute after its first write, then every 10 minutes', async () => {
    const pruned: number[] = [];
    const { store } = fakeStore();
    const pruning = {
      ...store,
      prune: async (_p: string, before: Date) => void pruned.push(before.getTime()),
    } as History;
    const r = new HistoryRecorder(pruning, 'p', { everyMs: 1000, retentionHours: 1 });
    const t0 = 1_000_000_000;
    for (let t = t0; t <= t0 + 12 * 60_000; t += 10_000) await r.record(t % 20_000 ? steady : starving, t);
    expect(pruned.map((before) => before + 3_600_000 - t0)).toEqual([60_000, 660_000]);
  });

  it('survives a failing store and records again when it is back', async () => {
    let fail = true;
    const { store: flaky, snapshots } = fakeStore(() => (fail ? new Error('store down') : null));
    const r = new HistoryRecorder(flaky, 'p', { everyMs: 1000, retentionHours: 1 });
    await r.record(steady, 5000);
    expect(r.lastError).toBe('store down');
    fail = false;
    await r.record(starving, 7000);
    expect(r.lastError).toBeNull();
    // The one that failed was held and written first.
    expect(snapshots.map((s) => s.bottleneck?.stageId ?? null)).toEqual([null, 'reply-consumers']);
  });
});

describe('bottleneckRank', () => {
  it('ranks a queue bottleneck by its backlog, above any stage bottleneck, a stage bottleneck by its time, and none as null', async () => {
    const { backlogRankBase, bottleneckRank } = await import('../store/history');
    const starving = analyze(scenarioObservations.replyStarvation);
    expect(bottleneckRank(starving)).toBe(backlogRankBase + 420);
    expect(bottleneckRank(analyze(scenarioObservations.steady))).toBeNull();
    const slowStage = {
      ...starving,
      bottleneck: { stageId: 'ml-workers', reason: 'slow' },
      stages: starving.stages.map((s) => (s.id === 'ml-workers' ? { ...s, contributionMs: 3500 } : s)),
    };
    expect(bottleneckRank(slowStage)).toBe(3500);
    // A backlog of 1 still outranks a stage 10 minutes slow: different units, backlog first.
    const shallow = {
      ...starving,
      stages: starving.stages.map((s) =>
        s.queue && s.id === 'reply-queue' ? { ...s, queue: { ...s.queue, ready: 1 } } : s,
      ),
    };
    const verySlow = {
      ...slowStage,
      stages: slowStage.stages.map((s) => (s.id === 'ml-workers' ? { ...s, contributionMs: 600_000 } : s)),
    };
    expect(bottleneckRank(shallow)!).toBeGreaterThan(bottleneckRank(verySlow)!);
  });
});
