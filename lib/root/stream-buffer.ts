/**
 * What one event stream holds for a client that reads slower than snapshots arrive: at most one
 * snapshot (a newer one replaces it: a slow client gets the latest state, never a backlog), the
 * change events in order up to a bound (past it they are merged into one event that stands for
 * all of them, so no refresh is lost), and a keep-alive comment only while nothing else waits.
 * Frames leave only while the stream's own queue has room (`deliver`).
 */
export interface BufferLimits {
  /** Change events waiting at most. */
  maxChanges: number;
  /** Bytes of waiting change events at most (the merged event must be smaller). */
  maxChangeBytes: number;
}

export const defaultBufferLimits: BufferLimits = { maxChanges: 32, maxChangeBytes: 16 * 1024 };

export class StreamBuffer {
  private snapshot: Uint8Array | null = null;
  private changes: Uint8Array[] = [];
  private changeBytes = 0;
  private comment: Uint8Array | null = null;
  /** Frames that never left: snapshots replaced by newer ones, change events merged. */
  readonly dropped = { snapshots: 0, changes: 0 };

  constructor(
    /** One change event that makes the client refetch everything any change could have touched. */
    private readonly mergedChange: () => Uint8Array,
    readonly limits: BufferLimits = defaultBufferLimits,
  ) {}

  pushSnapshot(frame: Uint8Array): void {
    if (this.snapshot) this.dropped.snapshots++;
    this.snapshot = frame;
  }

  pushChange(frame: Uint8Array): void {
    this.changes.push(frame);
    this.changeBytes += frame.byteLength;
    if (this.changes.length <= this.limits.maxChanges && this.changeBytes <= this.limits.maxChangeBytes) return;
    const merged = this.mergedChange();
    this.dropped.changes += this.changes.length;
    this.changes = [merged];
    this.changeBytes = merged.byteLength;
  }

  /** A keep-alive, kept only when nothing else waits (anything waiting keeps the stream busy anyway). */
  pushComment(frame: Uint8Array): void {
    if (this.pendingFrames === 0) this.comment = frame;
  }

  /** The next frame to send: a waiting comment, then the change events in order, then the snapshot. */
  next(): Uint8Array | undefined {
    if (this.comment) {
      const c = this.comment;
      this.comment = null;
      return c;
    }
    const change = this.changes.shift();
    if (change) {
      this.changeBytes -= change.byteLength;
      return change;
    }
    const s = this.snapshot ?? undefined;
    this.snapshot = null;
    return s;
  }

  get pendingFrames(): number {
    return (this.comment ? 1 : 0) + this.changes.length + (this.snapshot ? 1 : 0);
  }

  get pendingBytes(): number {
    return (this.comment?.byteLength ?? 0) + this.changeBytes + (this.snapshot?.byteLength ?? 0);
  }

  /** The most frames it can hold. */
  get maxFrames(): number {
    return this.limits.maxChanges + 2;
  }
}

/** The part of a ReadableStream's controller `deliver` uses: room left (bytes, with a byte-length strategy). */
export interface FrameSink {
  readonly desiredSize: number | null;
  enqueue(frame: Uint8Array): void;
}

/** Moves frames from the buffer to the stream while its queue has room; how many moved. */
export function deliver(buffer: StreamBuffer, sink: FrameSink): number {
  let moved = 0;
  while ((sink.desiredSize ?? 0) > 0) {
    const frame = buffer.next();
    if (!frame) break;
    sink.enqueue(frame);
    moved++;
  }
  return moved;
}
