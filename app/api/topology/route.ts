import { z } from 'zod';
import { Snapshot } from '@/lib/contracts/snapshot';
import { actionFail, actionOk } from '@/lib/contracts/result';
import { metrics } from '@/lib/metrics/registry';
import { route } from '@/lib/root/gate';

export const dynamic = 'force-dynamic';

const Query = z.object({ at: z.string().optional() });

/**
 * The latest snapshot, from the poller's cache (a request here never reaches a source), or with
 * `?at=<ISO time>` the snapshot that was current then, from the history.
 */
export const GET = route(
  { name: 'reading the topology', access: 'read', query: Query, response: Snapshot },
  async ({ app, query }) => {
    metrics().topologyRequests.inc({ route: 'topology' });
    if (query.at === undefined) return actionOk(app.poller.snapshot());
    const replay = await app.replayAt(query.at);
    return replay.ok ? actionOk(replay.snapshot) : actionFail(replay.code, replay.message);
  },
);
