import { z } from 'zod';
import { Snapshot } from '@/lib/contracts/snapshot';
import { actionFail, actionOk } from '@/lib/contracts/result';
import { metrics } from '@/lib/metrics/registry';
import { audienceOfUser, snapshotFor } from '@/lib/root/audience';
import { route } from '@/lib/root/gate';

export const dynamic = 'force-dynamic';

const Query = z.object({ at: z.string().optional() });

/**
 * The latest snapshot, from the poller's cache (a request here never reaches a source), or with
 * `?at=<ISO time>` the snapshot that was current then, from the history.
 */
export const GET = route(
  { name: 'reading the topology', access: 'read', query: Query, response: Snapshot },
  async ({ app, user, query }) => {
    metrics().topologyRequests.inc({ route: 'topology' });
    const audience = audienceOfUser(user);
    if (query.at === undefined) return actionOk(snapshotFor(audience, app.live.snapshot()));
    const replay = await app.replayAt(query.at);
    return replay.ok ? actionOk(snapshotFor(audience, replay.snapshot)) : actionFail(replay.code, replay.message);
  },
);
