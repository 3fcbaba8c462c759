import type { User } from '../auth/authenticate';
import type { IncidentDetail } from '../contracts/incident';
import { publicSnapshot, type Snapshot } from '../contracts/snapshot';
import { publicEntry, type TimelineEntry } from '../contracts/timeline';
import type { Viewer } from '../contracts/viewer';

/**
 * Who an answer is for. Anonymous viewers (and callers nobody authenticated) get the public view:
 * snapshots without source errors, timelines without what a failing source said; signed-in users
 * and tokens get everything (with secrets taken out elsewhere). Routes and pages both come here.
 */
export type Audience = 'full' | 'public';

export const audienceOf = (viewer: Viewer | null): Audience => (viewer?.signedIn ? 'full' : 'public');

export const audienceOfUser = (user: User | null): Audience => (!user || user.via === 'anonymous' ? 'public' : 'full');

export const snapshotFor = <S extends Snapshot>(audience: Audience, s: S): S =>
  audience === 'public' ? publicSnapshot(s) : s;

export const entriesFor = (audience: Audience, entries: TimelineEntry[]): TimelineEntry[] =>
  audience === 'public' ? entries.map(publicEntry) : entries;

export const detailFor = (audience: Audience, detail: IncidentDetail): IncidentDetail =>
  audience === 'public' ? { ...detail, timeline: entriesFor(audience, detail.timeline) } : detail;
