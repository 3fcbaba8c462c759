import { SeriesQuery, StageSeries } from '@/lib/contracts/series';
import { actionFail, actionOk } from '@/lib/contracts/result';
import { parseAt } from '@/lib/contracts/time';
import { route } from '@/lib/root/gate';

export const dynamic = 'force-dynamic';

/**
 * One stage's (or `end-to-end`'s) last 15 minutes, from this replica's cache; with `at`, the 15
 * minutes up to that moment (a replayed link), from Prometheus once and then cached.
 */
export const GET = route(
  { name: 'reading a series', access: 'read', query: SeriesQuery, response: StageSeries },
  async ({ app, query }) => {
    const cache = app.live.series;
    if (!cache) return actionFail('not_found', 'Prometheus is not configured');
    let series;
    if (query.at !== undefined) {
      const at = parseAt(query.at);
      if (!at.ok) return actionFail('invalid', `at: ${at.message}`);
      series = await cache.at(query.stage, at.at.getTime());
    } else {
      // The leader's poll loop keeps it fresh; another replica fetches it here, once an interval.
      await cache.ensureFresh(app.config.polling.seriesMs);
      series = query.stage === 'end-to-end' ? cache.endToEnd() : cache.get(query.stage);
    }
    return series ? actionOk(series) : actionFail('not_found', `no stage "${query.stage}" in this pipeline`);
  },
);
