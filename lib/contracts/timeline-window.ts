import type { IncidentDetail } from './incident';

/**
 * Which of an incident's timeline entries the list shows: a window around the replayed moment's
 * entry (or the newest ones, live), which people widen a page at a time. A 24-hour incident holds
 * a thousand entries or more (up to 5,000), of which the list's box shows about twenty; rendering
 * them all, and carrying them all in the page, made a link into it paint late.
 */
export const timelinePage = 50;
/** Of a window around the replayed moment's entry, how many entries come before it. */
const leadIn = 20;

export interface TimelineWindow {
  /** The first entry shown. */
  from: number;
  /** One past the last entry shown. */
  to: number;
}

/**
 * @param total entries in the timeline
 * @param current the entry to place the window around, or -1: the newest then (live)
 * @param earlier, later pages added before and after by "show earlier" and "show later"
 */
export function timelineWindow(total: number, current: number, earlier = 0, later = 0): TimelineWindow {
  const n = Math.max(0, Math.floor(total));
  const anchor = current >= 0 && current < n ? current : n;
  let from = anchor === n ? n - timelinePage : anchor - leadIn;
  let to = from + timelinePage;
  // Near either end, the page's other side takes what that end cannot.
  if (from < 0) [from, to] = [0, to - from];
  if (to > n) [from, to] = [Math.max(0, from - (to - n)), n];
  return {
    from: Math.max(0, from - Math.max(0, earlier) * timelinePage),
    to: Math.min(n, to + Math.max(0, later) * timelinePage),
  };
}

/** The last entry at or before the moment (ISO time), or -1: none, or no moment (live). */
export function currentEntry(timeline: ReadonlyArray<{ at: string }>, at: string | null): number {
  if (!at) return -1;
  let found = -1;
  timeline.forEach((e, i) => {
    if (e.at <= at) found = i;
  });
  return found;
}

/**
 * The window for a moment (`at`, or null live) in a timeline, with the moment's entry (`current`,
 * -1 if none): placed around that entry; around the first, for a moment before them all; the
 * newest, live.
 */
export function placeWindow(
  timeline: ReadonlyArray<{ at: string }>,
  at: string | null,
  earlier = 0,
  later = 0,
): TimelineWindow & { current: number } {
  const current = currentEntry(timeline, at);
  const anchor = current === -1 && at ? 0 : current;
  return { current, ...timelineWindow(timeline.length, anchor, earlier, later) };
}

/**
 * The incident as the page's first render carries it: only the window the list shows first, with
 * how many entries it left out either side. The page then loads the whole detail (GET
 * /api/incidents/<id>), for the list's other pages and the scrubber's marks.
 */
export function withTimelineWindow(detail: IncidentDetail, at: string | null): IncidentDetail {
  const { from, to } = placeWindow(detail.timeline, at);
  if (from === 0 && to === detail.timeline.length) return detail;
  return {
    ...detail,
    timeline: detail.timeline.slice(from, to),
    omitted: { before: from, after: detail.timeline.length - to },
  };
}
