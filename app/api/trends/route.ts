import { actionOk } from '@/lib/contracts/result';
import { TrendsQuery, TrendsView } from '@/lib/contracts/trends';
import { loadTrends } from '@/lib/history/trends';
import { route } from '@/lib/root/gate';

export const dynamic = 'force-dynamic';

/**
 * A range of the stored history as the trends panel's lines (`?range=15m|1h|6h|24h`, or
 * `?from=&to=` spanning a minute to a day; the last 15 minutes without either), at most 300
 * points a line whatever the range, with the moments in it for markers.
 */
export const GET = route(
  { name: 'reading the trends', access: 'read', query: TrendsQuery, response: TrendsView },
  async ({ app, query }) => {
    const { history, audit, trends } = await app.stores();
    return actionOk(await loadTrends({ pipeline: app.pipeline, history, audit, trends }, query));
  },
);
