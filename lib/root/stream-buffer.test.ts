import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { deliver, StreamBuffer, type FrameSink } from './stream-buffer';

const enc = new TextEncoder();
const dec = new TextDecoder();
const frame = (text: string) => enc.encode(text);
const merged = () => frame('change:*');

/** A stream queue of `capacity` bytes that the client drains when it reads. */
function slowClient(capacity: number) {
  const queued: Uint8Array[] = [];
  const received: string[] = [];
  const sink: FrameSink & { read(n: number): void } = {
    get desiredSize() {
      return capacity - queued.reduce((n, f) => n + f.byteLength, 0);
    },
    enqueue: (f) => void queued.push(f),
    read(n) {
      for (const f of queued.splice(0, n)) received.push(dec.decode(f));
    },
  };
  return { sink, received, queued };
}

describe('stream buffer', () => {
  it('sends everything at once to a fast client', () => {
    const buffer = new StreamBuffer(merged);
    const { sink, received } = slowClient(1e9);
    buffer.pushSnapshot(frame('snap:1'));
    buffer.pushChange(frame('change:a'));
    deliver(buffer, sink);
    sink.read(10);
    expect(received).toEqual(['change:a', 'snap:1']);
    expect(buffer.pendingFrames).toBe(0);
  });

  it('keeps only the latest snapshot for a slow client and sends it when the client reads', () => {
    const buffer = new StreamBuffer(merged);
    const { sink, received } = slowClient(10);
    buffer.pushSnapshot(frame('snap:1-----'));
    deliver(buffer, sink); // fills the queue (11 bytes > 10)
    for (let i = 2; i <= 50; i++) {
      buffer.pushSnapshot(frame(`snap:${i}`));
      deliver(buffer, sink);
    }
    expect(buffer.pendingFrames).toBe(1);
    expect(buffer.dropped.snapshots).toBe(48);
    sink.read(1);
    deliver(buffer, sink);
    sink.read(1);
    expect(received).toEqual(['snap:1-----', 'snap:50']);
  });

  it('merges change events past the bound into one that stands for all', () => {
    const buffer = new StreamBuffer(merged, { maxChanges: 3, maxChangeBytes: 1024 });
    for (let i = 0; i < 5; i++) buffer.pushChange(frame(`change:${i}`));
    const out: string[] = [];
    for (let f = buffer.next(); f; f = buffer.next()) out.push(dec.decode(f));
    expect(out).toEqual(['change:*', 'change:4']);
    expect(buffer.dropped.changes).toBe(4);
  });

  it('sends a keep-alive only while nothing else waits', () => {
    const buffer = new StreamBuffer(merged);
    buffer.pushSnapshot(frame('snap:1'));
    buffer.pushComment(frame(': keep-alive'));
    expect(buffer.pendingFrames).toBe(1);
    buffer.next();
    buffer.pushComment(frame(': keep-alive'));
    buffer.pushComment(frame(': keep-alive'));
    expect(buffer.pendingFrames).toBe(1);
  });

  it('never holds more than its bound, and the last snapshot delivered is always the latest (property)', () => {
    type Op = { snapshot: number } | { change: number } | { comment: true } | { read: number };
    const op: fc.Arbitrary<Op> = fc.oneof(
      fc.nat(1000).map((n) => ({ snapshot: n })),
      fc.nat(1000).map((n) => ({ change: n })),
      fc.constant({ comment: true as const }),
      fc.nat(4).map((n) => ({ read: n })),
    );
    fc.assert(
      fc.property(
        fc.array(op, { maxLength: 300 }),
        fc.integer({ min: 1, max: 200 }),
        fc.integer({ min: 1, max: 8 }),
        fc.integer({ min: 24, max: 256 }),
        (ops, capacity, maxChanges, maxChangeBytes) => {
          const buffer = new StreamBuffer(merged, { maxChanges, maxChangeBytes });
          const { sink, received, queued } = slowClient(capacity);
          const keepAlive = frame(': keep-alive');
          let latest: string | null = null;
          let largestSnapshotBytes = 0;
          let seq = 0;
          for (const o of ops) {
            if ('snapshot' in o) {
              latest = `snap:${seq++}:${'x'.repeat(o.snapshot % 300)}`;
              largestSnapshotBytes = Math.max(largestSnapshotBytes, latest.length);
              buffer.pushSnapshot(frame(latest));
            } else if ('change' in o) buffer.pushChange(frame(`change:${seq++}`));
            else if ('comment' in o) buffer.pushComment(keepAlive);
            else sink.read(o.read);
            deliver(buffer, sink);
            // At most one keep-alive, the bounded change events and one snapshot, in frames and bytes.
            expect(buffer.pendingFrames).toBeLessThanOrEqual(maxChanges + 2);
            expect(buffer.pendingBytes).toBeLessThanOrEqual(
              keepAlive.byteLength + maxChangeBytes + largestSnapshotBytes,
            );
          }
          // The client catches up.
          while (buffer.pendingFrames > 0 || queued.length > 0) {
            deliver(buffer, sink);
            sink.read(100);
          }
          const snapshots = received.filter((r) => r.startsWith('snap:'));
          expect(snapshots.at(-1) ?? null).toBe(latest);
          // Snapshots arrive in order, each newer than the last (never an old one after a new one).
          const seqs = snapshots.map((s) => Number(s.split(':')[1]));
          expect([...seqs].sort((a, b) => a - b)).toEqual(seqs);
          // Change events too, with merged ones standing in for those that were dropped.
          const changes = received
            .filter((r) => r.startsWith('change:') && r !== 'change:*')
            .map((r) => Number(r.slice(7)));
          expect([...changes].sort((a, b) => a - b)).toEqual(changes);
        },
      ),
      { numRuns: 500 },
    );
  });
});
