import { z } from 'zod';
import type { User } from '@/lib/auth/authenticate';
import { clientAddress } from '@/lib/auth/sign-in-limiter';
import type { Change } from '@/lib/contracts/change';
import type { Snapshot } from '@/lib/contracts/snapshot';
import { metrics } from '@/lib/metrics/registry';
import { audienceOfUser, snapshotFor, type Audience } from '@/lib/root/audience';
import { errorResponse, route } from '@/lib/root/gate';
import { sessionsOf } from '@/lib/root/sessions';
import { deliver, StreamBuffer } from '@/lib/root/stream-buffer';
import { processStreamSlots } from '@/lib/root/stream-slots';

export const dynamic = 'force-dynamic';

const Query = z.object({ snapshots: z.enum(['0', '1']).optional() });

const heartbeatMs = 15_000;
/** Bytes the stream's own queue takes before frames wait in the buffer, where a newer snapshot replaces an older one. */
const queueHighWaterBytes = 64 * 1024;
/** An open stream whose session the store cannot vouch for (it only reads) keeps going this long, then closes. */
const uncheckedGraceMs = 30_000;

const encoder = new TextEncoder();
const keepAlive = encoder.encode(': keep-alive\n\n');
const connected = encoder.encode(': connected\n\n');
const changeFrame = (change: Change) => encoder.encode(`event: change\ndata: ${JSON.stringify(change)}\n\n`);
/** Stands for any number of merged change events: a timeline change makes pages refetch every incident. */
const everythingChanged = () => changeFrame({ topic: 'timeline', at: new Date().toISOString() });

/** Each snapshot serialised once per audience, however many streams send it. */
const frames = new WeakMap<Snapshot, Partial<Record<Audience, Uint8Array>>>();
function snapshotFrame(audience: Audience, snapshot: Snapshot): Uint8Array {
  const known = frames.get(snapshot) ?? {};
  const frame =
    known[audience] ?? encoder.encode(`event: snapshot\ndata: ${JSON.stringify(snapshotFor(audience, snapshot))}\n\n`);
  frames.set(snapshot, { ...known, [audience]: frame });
  return frame;
}

/** Whose streams are counted together: a signed-in person or token by name, anyone else by address. */
const clientOf = (user: User | null, headers: Headers) =>
  user && user.via !== 'anonymous' ? `name:${user.name}` : `address:${clientAddress(headers)}`;

/**
 * Server-sent events: the current snapshot at once, then every new one this replica hears of, to every
 * open dashboard (`?snapshots=0` leaves them out), and a `change` event when an incident or the
 * timeline changes, so that every open incident page refreshes. A comment line every 15 s keeps
 * proxies from closing an idle stream.
 *
 * Under load: at most 8 open streams per client and 2000 per process (lib/root/stream-slots.ts; a
 * 429 or 503 with Retry-After past them); a client that reads slowly gets the latest snapshot
 * when it catches up, never a backlog (lib/root/stream-buffer.ts). The session is checked again
 * every 15 s, on every change and on every sign-out made here: a revoked or expired one loses its
 * stream (the browser's reconnect then gets a 401, or the public view where anonymous reads are
 * open); one the store cannot vouch for loses it after 30 s.
 */
export const GET = route({ name: 'streaming', access: 'read', query: Query }, ({ app, user, query, request }) => {
  metrics().topologyRequests.inc({ route: 'stream' });
  const slot = processStreamSlots().acquire(clientOf(user, request.headers));
  if (!slot.ok) {
    return slot.refused === 'client'
      ? errorResponse(
          'rate_limited',
          `too many open streams from one client (at most ${slot.limit}); close another tab and try again`,
          { 'retry-after': '10' },
        )
      : errorResponse('unavailable', `the dashboard serves at most ${slot.limit} streams; try again shortly`, {
          'retry-after': '15',
        });
  }
  const { live, changes } = app;
  const withSnapshots = query.snapshots !== '0';
  const audience = audienceOfUser(user);
  const session = user?.via === 'session' ? user.session : undefined;
  const sessions = sessionsOf(app);
  const buffer = new StreamBuffer(everythingChanged);
  let closed = false;
  let flush = () => {};
  let end = () => {};
  const stream = new ReadableStream<Uint8Array>(
    {
      start(controller) {
        // Every frame leaves through the buffer; a stream the browser has closed ends everything.
        flush = () => {
          if (closed) return;
          try {
            deliver(buffer, controller);
          } catch {
            end();
          }
        };
        let lastVouchedMs = Date.now();
        const recheck = async () => {
          if (!session || closed) return;
          if (session.exp * 1000 <= Date.now()) return end();
          const verdict = await sessions.check(session);
          if (verdict === 'valid') lastVouchedMs = Date.now();
          else if (verdict === 'revoked' || Date.now() - lastVouchedMs > uncheckedGraceMs) end();
        };
        const heartbeat = setInterval(() => {
          buffer.pushComment(keepAlive);
          flush();
          void recheck();
        }, heartbeatMs);
        const unsubscribe = changes.subscribe((change: Change) => {
          buffer.pushChange(changeFrame(change));
          flush();
          void recheck();
        });
        const unwatch = session ? sessions.onRevocation(() => void recheck()) : () => {};
        let unfollow = () => {};
        end = () => {
          if (closed) return;
          closed = true;
          clearInterval(heartbeat);
          unfollow();
          unsubscribe();
          unwatch();
          slot.release();
          try {
            controller.close();
          } catch {
            /* already closed or cancelled */
          }
        };
        if (withSnapshots) {
          unfollow = live.subscribe((snapshot) => {
            buffer.pushSnapshot(snapshotFrame(audience, snapshot));
            flush();
          });
          buffer.pushSnapshot(snapshotFrame(audience, live.snapshot()));
        } else {
          buffer.pushComment(connected);
        }
        flush();
        if (request.signal.aborted) end();
        else request.signal.addEventListener('abort', () => end());
      },
      // The client read: the queue has room again for what waited.
      pull() {
        flush();
      },
      cancel() {
        end();
      },
    },
    new ByteLengthQueuingStrategy({ highWaterMark: queueHighWaterBytes }),
  );
  return new Response(stream, {
    headers: {
      'content-type': 'text/event-stream',
      'cache-control': 'no-store',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    },
  });
});
