import { CapacityPlan, CapacityQuery } from '@/lib/contracts/capacity';
import { actionOk } from '@/lib/contracts/result';
import { planCapacity } from '@/lib/analysis/capacity';
import { route } from '@/lib/root/gate';

export const dynamic = 'force-dynamic';

/**
 * How many workers of each stage `?rps=` requests per second would need, from this replica's
 * live snapshot (a request here never reaches a source). The plan carries only the pipeline's
 * numbers, none of the sources' errors, so every reader gets the same one.
 */
export const GET = route(
  { name: 'planning capacity', access: 'read', query: CapacityQuery, response: CapacityPlan },
  ({ app, query }) => actionOk(planCapacity(app.live.snapshot(), query.rps)),
);
