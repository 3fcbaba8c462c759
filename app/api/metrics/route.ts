import { metrics } from '@/lib/metrics/registry';
import { route } from '@/lib/root/gate';

export const dynamic = 'force-dynamic';

/** warroom's own Prometheus metrics: source requests and bytes, poll cycles, served snapshots. */
export const GET = route({ name: 'metrics', access: 'public' }, async () => {
  const { registry } = metrics();
  return new Response(await registry.metrics(), { headers: { 'content-type': registry.contentType } });
});
