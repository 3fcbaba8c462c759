import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { IncidentDetail } from './incident';
import { currentEntry, timelinePage, timelineWindow, withTimelineWindow } from './timeline-window';

describe('the window of timeline entries the list shows', () => {
  it.each([
    // total, current, earlier, later, from, to
    [0, -1, 0, 0, 0, 0],
    [30, 12, 0, 0, 0, 30],
    [1031, 500, 0, 0, 480, 530],
    [1031, -1, 0, 0, 981, 1031],
    [1031, 10, 0, 0, 0, 50],
    [1031, 1020, 0, 0, 981, 1031],
    [1031, 500, 2, 1, 380, 580],
    [1031, -1, 20, 0, 0, 1031],
  ])('%i entries, current %i, %i pages earlier and %i later: %i to %i', (total, current, earlier, later, from, to) => {
    expect(timelineWindow(total, current, earlier, later)).toEqual({ from, to });
  });

  it('property: the replayed entry is always shown, within bounds, one page unless widened, whole pages added', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 6000 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.boolean(),
        fc.nat(80),
        fc.nat(80),
        (total, at, live, earlier, later) => {
          const current = live || total === 0 ? -1 : Math.min(total - 1, Math.floor(at * total));
          const w = timelineWindow(total, current, earlier, later);
          expect(0 <= w.from && w.from <= w.to && w.to <= total).toBe(true);
          if (current >= 0) expect(w.from <= current && current < w.to).toBe(true);
          // Live, the newest entry is shown.
          else expect(w.to).toBe(total);
          const base = timelineWindow(total, current);
          expect(base.to - base.from).toBe(Math.min(total, timelinePage));
          expect(base.from - w.from).toBe(Math.min(base.from, earlier * timelinePage));
          expect(w.to - base.to).toBe(Math.min(total - base.to, later * timelinePage));
        },
      ),
      { numRuns: 2000 },
    );
  });

  const entry = (minute: number) => ({
    at: new Date(Date.UTC(2026, 11, 7, 0, minute)).toISOString(),
    kind: 'note',
    source: 'incident' as const,
    message: `m${minute}`,
    link: `/incidents/1?at=${minute}`,
  });
  const detail = (n: number) =>
    ({ timeline: Array.from({ length: n }, (_, i) => entry(i)), truncated: false }) as unknown as IncidentDetail;

  it('the page carries the window the list shows first and says how many it left out, the moment inside', () => {
    const d = detail(300);
    const at = new Date(Date.UTC(2026, 11, 7, 0, 200, 30)).toISOString();
    expect(currentEntry(d.timeline, at)).toBe(200);
    const cut = withTimelineWindow(d, at);
    expect(cut.omitted).toEqual({ before: 180, after: 70 });
    expect(cut.timeline.map((e) => e.message)).toEqual(d.timeline.slice(180, 230).map((e) => e.message));
    // The list draws the same entries from the cut detail as from the whole one.
    const c = currentEntry(cut.timeline, at);
    expect(cut.timeline[c]!.message).toBe('m200');
    expect(timelineWindow(cut.timeline.length, c)).toEqual({ from: 0, to: cut.timeline.length });
    // Live: the newest page; a short timeline is carried whole, without the field.
    expect(withTimelineWindow(d, null).omitted).toEqual({ before: 250, after: 0 });
    expect(withTimelineWindow(detail(30), at)).toEqual(detail(30));
    // A moment before every entry: the oldest page.
    expect(currentEntry(d.timeline, '2020-01-01T00:00:00.000Z')).toBe(-1);
    expect(withTimelineWindow(d, '2020-01-01T00:00:00.000Z').omitted).toEqual({ before: 0, after: 250 });
  });
});
