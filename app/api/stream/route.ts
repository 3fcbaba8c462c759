import { z } from 'zod';
import type { Change } from '@/lib/contracts/change';
import type { Snapshot } from '@/lib/contracts/snapshot';
import { metrics } from '@/lib/metrics/registry';
import { audienceOfUser, snapshotFor } from '@/lib/root/audience';
import { route } from '@/lib/root/gate';

export const dynamic = 'force-dynamic';

const Query = z.object({ snapshots: z.enum(['0', '1']).optional() });

/**
 * Server-sent events: the current snapshot at once, then every new one this replica hears of, to every
 * open dashboard (`?snapshots=0` leaves them out), and a `change` event when an incident or the
 * timeline changes, so that every open incident page refreshes. A comment line every 15 s keeps
 * proxies from closing an idle stream.
 */
export const GET = route({ name: 'streaming', access: 'read', query: Query }, ({ app, user, query, request }) => {
  const { live, changes } = app;
  metrics().topologyRequests.inc({ route: 'stream' });
  const withSnapshots = query.snapshots !== '0';
  const encoder = new TextEncoder();
  let cleanup = () => {};
  const stream = new ReadableStream<Uint8Array>({
    start(controller) {
      // One writer for every frame: a stream the browser has closed ends the subscriptions.
      const write = (frame: string) => {
        try {
          controller.enqueue(encoder.encode(frame));
        } catch {
          cleanup();
        }
      };
      const audience = audienceOfUser(user);
      const send = (snapshot: Snapshot) =>
        write(`event: snapshot\ndata: ${JSON.stringify(snapshotFor(audience, snapshot))}\n\n`);
      const keepAlive = setInterval(() => write(': keep-alive\n\n'), 15_000);
      const unsubscribe = changes.subscribe((change: Change) =>
        write(`event: change\ndata: ${JSON.stringify(change)}\n\n`),
      );
      let unfollow = () => {};
      cleanup = () => {
        clearInterval(keepAlive);
        unfollow();
        unsubscribe();
      };
      if (withSnapshots) {
        unfollow = live.subscribe(send);
        send(live.snapshot());
      } else {
        write(': connected\n\n');
      }
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
    headers: {
      'content-type': 'text/event-stream',
      'cache-control': 'no-store',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    },
  });
});
