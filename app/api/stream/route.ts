import { livePoller } from '@/lib/poller/live-access';
import { metrics } from '@/lib/metrics/registry';
import type { Snapshot } from '@/lib/analysis/types';

export const dynamic = 'force-dynamic';

/**
 * Server-sent events: the current snapshot at once, then every new one the poller makes, to every
 * open dashboard. A comment line every 15 s keeps proxies from closing an idle stream.
 */
export function GET(request: Request) {
  const { poller, response } = livePoller(request);
  if (!poller) return response;
  metrics().topologyRequests.inc({ route: 'stream' });
  const encoder = new TextEncoder();
  let cleanup = () => {};
  const stream = new ReadableStream<Uint8Array>({
    start(controller) {
      const send = (snapshot: Snapshot) => {
        try {
          controller.enqueue(encoder.encode(`event: snapshot\ndata: ${JSON.stringify(snapshot)}\n\n`));
        } catch {
          cleanup();
        }
      };
      const keepAlive = setInterval(() => {
        try {
          controller.enqueue(encoder.encode(': keep-alive\n\n'));
        } catch {
          cleanup();
        }
      }, 15_000);
      cleanup = () => {
        clearInterval(keepAlive);
        poller.off('snapshot', send);
      };
      poller.on('snapshot', send);
      send(poller.snapshot());
      request.signal.addEventListener('abort', () => {
        cleanup();
        try {
          controller.close();
        } catch {
          /* already closed */
        }
      });
    },
    cancel() {
      cleanup();
    },
  });
  return new Response(stream, {
    headers: { 'content-type': 'text/event-stream', 'cache-control': 'no-store', connection: 'keep-alive', 'x-accel-buffering': 'no' },
  });
}
