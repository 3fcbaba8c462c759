import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { edgeEmphasis, edgeWidthPx, heavyShare, stageEmphasis } from './emphasis';

const none = new Set<string>();

describe('emphasis along the path where latency accumulates', () => {
  it('draws the edges into and out of the bottleneck loudest', () => {
    const b = new Set(['reply-consumers', 'reply-queue']);
    expect(edgeEmphasis({ id: 'ml', share: 0 }, { id: 'reply-queue', share: 0 }, b)).toEqual({
      emphasis: 'bottleneck',
      widthPx: edgeWidthPx.bottleneck,
    });
    expect(edgeEmphasis({ id: 'reply-consumers', share: 0 }, { id: 'db', share: 0 }, b).emphasis).toBe('bottleneck');
    expect(edgeEmphasis({ id: 'api', share: 0.9 }, { id: 'q', share: 0 }, b).emphasis).toBe('heavy');
    expect(stageEmphasis({ id: 'reply-queue', share: 0 }, b)).toBe('bottleneck');
  });

  it('thickens an edge with the larger share at either end, from the threshold on', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (a, b, more) => {
          const e = edgeEmphasis({ id: 'a', share: a }, { id: 'b', share: b }, none);
          const bigger = edgeEmphasis(
            { id: 'a', share: Math.min(1, Math.max(a, b) + more) },
            { id: 'b', share: 0 },
            none,
          );
          expect(bigger.widthPx).toBeGreaterThanOrEqual(e.widthPx);
          expect(e.emphasis).toBe(Math.max(a, b) >= heavyShare ? 'heavy' : 'normal');
          expect(e.widthPx).toBeGreaterThanOrEqual(edgeWidthPx.normal);
          expect(e.widthPx).toBeLessThan(edgeWidthPx.bottleneck);
        },
      ),
    );
  });
});
