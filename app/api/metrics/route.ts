import { metrics } from '@/lib/metrics/registry';

export const dynamic = 'force-dynamic';

/** warroom's own Prometheus metrics: source requests and bytes, poll cycles, served snapshots. */
export async function GET() {
  const { registry } = metrics();
  return new Response(await registry.metrics(), { headers: { 'content-type': registry.contentType } });
}
