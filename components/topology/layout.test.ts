import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { StageSnapshot } from '@/lib/contracts/snapshot';
import {
  canvasHeightFor,
  canvasHeightPx,
  charsPerLine,
  contentWidthPx,
  directionFor,
  fitTargets,
  narrowBelowPx,
  nodeHeightOf,
  nodeWidth,
  pipelineEdges,
  type,
  wrappedLines,
  type Direction,
  type LayoutInput,
} from './layout';
import { layoutStages } from './place';
import { nodeContentOf, nodeSpokenExtra } from './node-content';

const kinds = ['service', 'queue', 'workers', 'store'] as const;

function stage(over: Partial<StageSnapshot> & Pick<StageSnapshot, 'id' | 'kind'>): StageSnapshot {
  return { label: over.id, contributionMs: 0, share: 0, status: 'ok', ...over };
}

const queue = (ready: number, summary = 'empty'): NonNullable<StageSnapshot['queue']> => ({
  ready,
  unacked: 0,
  consumers: 3,
  publishRate: 12,
  deliverRate: 11,
  growthPerSec: null,
  depthThreshold: 50,
  verdict: {
    drainSeconds: null,
    headAgeMs: null,
    headAgeEstimated: false,
    consumerCapacity: null,
    unackedLimit: null,
    saturation: 'keeping-up',
    redeliveredShare: null,
    summary,
  },
});

/** Stage lists as a configuration may give them: any kinds, ids unique, labels of any length. */
const stageList = fc
  .array(
    fc.record({
      kind: fc.constantFrom(...kinds),
      label: fc.string({ minLength: 1, maxLength: 90 }),
      ready: fc.integer({ min: 0, max: 2_000_000 }),
      summary: fc.string({ maxLength: 160 }),
      share: fc.double({ min: 0, max: 1, noNaN: true }),
    }),
    { minLength: 1, maxLength: 45 },
  )
  .map((items) =>
    items.map((it, i): StageSnapshot =>
      stage({
        id: `s${i}`,
        kind: it.kind,
        label: it.label,
        share: it.share,
        ...(it.kind === 'queue' ? { queue: queue(it.ready, it.summary), waitMs: 1200 } : {}),
        ...(it.kind === 'workers'
          ? {
              workers: { job: 'j', group: 'g', desired: 4, running: 3 },
              latency: { p50Ms: 100, p90Ms: 900, p99Ms: 2500 },
              gpu: { utilPct: 71 },
            }
          : {}),
      }),
    ),
  );

const inputs = (stages: StageSnapshot[]): LayoutInput[] =>
  stages.map((s) => ({ id: s.id, kind: s.kind, height: nodeHeightOf(s) }));

function overlaps(a: { x: number; y: number; h: number }, b: { x: number; y: number; h: number }): boolean {
  return a.x < b.x + nodeWidth && b.x < a.x + nodeWidth && a.y < b.y + b.h && b.y < a.y + a.h;
}

describe('wrappedLines', () => {
  it.each([
    ['', 10, 1],
    ['API', 10, 1],
    ['ML workers (GPU)', 10, 2],
    ['ML workers (GPU)', 16, 1],
    ['aaaaaaaaaaaaaaaaaaaaaaaaa', 10, 3],
    ['a bbbbbbbbbbbbbbb c', 10, 3],
  ])('%j at %i characters a line takes %i lines', (text, perLine, lines) => {
    expect(wrappedLines(text, perLine)).toBe(lines);
  });

  it('never fewer lines than the characters need, never more than one per word plus breaks', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), fc.integer({ min: 1, max: 60 }), (text, perLine) => {
        const words = text.split(/\s+/).filter(Boolean);
        const chars = words.reduce((n, w) => n + w.length, 0);
        const lines = wrappedLines(text, perLine);
        expect(lines).toBeGreaterThanOrEqual(Math.max(1, Math.ceil(chars / perLine)));
        expect(lines).toBeLessThanOrEqual(
          Math.max(
            1,
            words.reduce((n, w) => n + Math.ceil(w.length / perLine), 0),
          ),
        );
      }),
    );
  });

  it('a wider line never takes more lines', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), fc.integer({ min: 1, max: 60 }), (text, perLine) => {
        expect(wrappedLines(text, perLine + 1)).toBeLessThanOrEqual(wrappedLines(text, perLine));
      }),
    );
  });
});

describe('nodeHeightOf', () => {
  const labelLine = charsPerLine(contentWidthPx, type.label.sizePx, type.label.emPerChar);

  it('grows by one label line for each line the label wraps to', () => {
    const short = stage({ id: 'a', kind: 'service', label: 'API' });
    const long = stage({ id: 'a', kind: 'service', label: `${'word '.repeat(labelLine)}end` });
    const lines = wrappedLines(long.label, labelLine);
    expect(lines).toBeGreaterThan(1);
    expect(nodeHeightOf(long) - nodeHeightOf(short)).toBe((lines - 1) * type.label.linePx);
  });

  it('counts a queue’s figures, rows and verdict, and a stale marker', () => {
    const plain = stage({ id: 'q', kind: 'queue' });
    const withQueue = stage({ id: 'q', kind: 'queue', queue: queue(5), waitMs: 100 });
    expect(nodeHeightOf(withQueue)).toBeGreaterThan(nodeHeightOf(plain));
    expect(nodeHeightOf(withQueue, ['rabbitmq'])).toBeGreaterThan(nodeHeightOf(withQueue));
    const longVerdict = stage({
      ...withQueue,
      queue: queue(5, 'drains in 3 min · oldest ~12 s (estimated) '.repeat(4)),
    });
    expect(nodeHeightOf(longVerdict)).toBeGreaterThan(nodeHeightOf(withQueue));
  });

  it('never shrinks when a label or a verdict gets longer', () => {
    fc.assert(
      fc.property(stageList, fc.string({ minLength: 1, maxLength: 40 }), (stages, extra) => {
        for (const s of stages) {
          const longer = { ...s, label: `${s.label} ${extra}` };
          expect(nodeHeightOf(longer)).toBeGreaterThanOrEqual(nodeHeightOf(s));
        }
      }),
    );
  });
});

describe('what a node shows', () => {
  it('keeps the whole label, and the test ids other tests select by', () => {
    const s = stage({
      id: 'reply-queue',
      kind: 'queue',
      label: 'Reply queue drained by the API-side reply consumers of the KYC pipeline',
      queue: {
        ...queue(1234),
        verdict: {
          ...queue(1).verdict!,
          limit: {
            maxLength: 10,
            maxLengthBytes: null,
            overflow: 'drop-head',
            fullPct: 50,
            shedding: false,
            shedPerSec: null,
          },
        },
      },
      waitMs: 35_000,
    });
    const content = nodeContentOf(s);
    expect(content.label).toBe(s.label);
    expect(content.figures[0]).toMatchObject({ value: '1,234 / 3', testId: 'stage-reply-queue-ready' });
    expect(content.rows.map((r) => r.testId)).toContain('stage-reply-queue-limit');
    expect(nodeSpokenExtra(s)).toBe('0% of latency');
    // A service's key figure is its share already: nothing more to say.
    expect(nodeSpokenExtra({ ...s, kind: 'service', queue: undefined, share: 0.42 })).toBe('');
  });
});

describe('a queue the broker says nothing about', () => {
  it('shows that it has no data, under the same test id', () => {
    const content = nodeContentOf(stage({ id: 'q', kind: 'queue', label: 'Missing queue' }));
    expect(content.figures[0]).toMatchObject({
      value: '–',
      caption: 'ready / consumers: no data',
      testId: 'stage-q-ready',
    });
    expect(content.verdict).toBeNull();
  });
});

describe('layoutStages', () => {
  it.each<Direction>(['LR', 'TB'])('%s: every stage placed, no two boxes overlap', (direction) => {
    fc.assert(
      fc.property(stageList, (stages) => {
        const layout = layoutStages(inputs(stages), direction);
        const boxes = stages.map((s) => {
          const p = layout.positions[s.id];
          expect(p, s.id).toBeDefined();
          expect(Number.isFinite(p!.x) && Number.isFinite(p!.y)).toBe(true);
          return { ...p!, h: layout.heights[s.id]! };
        });
        for (let i = 0; i < boxes.length; i++)
          for (let j = i + 1; j < boxes.length; j++)
            expect(overlaps(boxes[i]!, boxes[j]!), `${i} and ${j}`).toBe(false);
        for (const b of boxes) {
          expect(b.x + nodeWidth).toBeLessThanOrEqual(layout.size.width + 1);
          expect(b.y + b.h).toBeLessThanOrEqual(layout.size.height + 1);
        }
      }),
      { numRuns: 60 },
    );
  });

  it.each<[Direction, 'x' | 'y']>([
    ['LR', 'x'],
    ['TB', 'y'],
  ])('%s: each edge runs forward along %s', (direction, axis) => {
    fc.assert(
      fc.property(stageList, (stages) => {
        const layout = layoutStages(inputs(stages), direction);
        for (const e of layout.edges)
          expect(layout.positions[e.target]![axis]).toBeGreaterThan(layout.positions[e.source]![axis]);
      }),
      { numRuns: 60 },
    );
  });

  it('hangs a store off the stage before it', () => {
    const edges = pipelineEdges([
      { id: 'api', kind: 'service' },
      { id: 'db', kind: 'store' },
      { id: 'q', kind: 'queue' },
    ]);
    expect(edges.map((e) => e.id)).toEqual(['api->db', 'api->q']);
  });

  it('draws request types as branches that join again, and lays them out side by side', () => {
    const stages = [
      { id: 'api', kind: 'service' as const },
      { id: 'face-q', kind: 'queue' as const },
      { id: 'face', kind: 'workers' as const },
      { id: 'ocr-q', kind: 'queue' as const, after: ['api'] },
      { id: 'ocr', kind: 'workers' as const },
      { id: 'replies', kind: 'queue' as const, after: ['face', 'ocr'] },
    ];
    expect(pipelineEdges(stages).map((e) => e.id)).toEqual([
      'api->face-q',
      'face-q->face',
      'api->ocr-q',
      'ocr-q->ocr',
      'face->replies',
      'ocr->replies',
    ]);
    const layout = layoutStages(
      stages.map((s) => ({ ...s, height: 120 })),
      'LR',
    );
    // The two branches share ranks (same x), one above the other, and the join comes after both.
    expect(layout.positions['face-q']!.x).toBe(layout.positions['ocr-q']!.x);
    expect(layout.positions['face-q']!.y).not.toBe(layout.positions['ocr-q']!.y);
    expect(layout.positions.replies!.x).toBeGreaterThan(layout.positions.face!.x);
  });
});

describe('canvas', () => {
  it('turns top to bottom below 768 px', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 4000 }), (w) => {
        expect(directionFor(w)).toBe(w < narrowBelowPx ? 'TB' : 'LR');
      }),
    );
    expect(directionFor(390)).toBe('TB');
    expect(directionFor(1440)).toBe('LR');
  });

  it('grows with the graph, within its bounds', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 20_000 }),
        fc.integer({ min: 0, max: 20_000 }),
        fc.integer({ min: 0, max: 500 }),
        fc.integer({ min: 200, max: 3000 }),
        (width, height, more, canvasWidth) => {
          const h = canvasHeightFor({ width, height }, canvasWidth);
          expect(h).toBeGreaterThanOrEqual(canvasHeightPx.min);
          expect(h).toBeLessThanOrEqual(canvasHeightPx.max);
          expect(canvasHeightFor({ width, height: height + more }, canvasWidth)).toBeGreaterThanOrEqual(h);
        },
      ),
    );
    expect(canvasHeightFor({ width: 1000, height: 200 }, 1400)).toBe(canvasHeightPx.min);
    expect(canvasHeightFor({ width: 1000, height: 500 }, 1400)).toBe(548);
  });

  it('frames everything when it fits at a readable zoom, else one readable screen of the drawing around the bottleneck', () => {
    fc.assert(
      fc.property(stageList, fc.nat(), (stages, pick) => {
        const layout = layoutStages(inputs(stages), 'LR');
        const order = stages.map((s) => s.id);
        const focus = order[pick % order.length]!;
        const canvas = { width: 1400, height: 600 };
        const targets = fitTargets(layout, order, canvas, focus);
        const fits = Math.min(canvas.width / layout.size.width, canvas.height / layout.size.height) >= 0.5;
        if (fits) expect(targets).toBeNull();
        else {
          expect(targets).toContain(focus);
          // What is framed fits on the canvas at the readable zoom (node centres, so within a node).
          const centres = targets!.map((id) => ({
            x: layout.positions[id]!.x + nodeWidth / 2,
            y: layout.positions[id]!.y + layout.heights[id]! / 2,
          }));
          const span = (v: number[]) => Math.max(...v) - Math.min(...v);
          expect(span(centres.map((c) => c.x))).toBeLessThanOrEqual(canvas.width / 0.5);
          expect(span(centres.map((c) => c.y))).toBeLessThanOrEqual(canvas.height / 0.5);
          // In list order, and every stage the drawing puts between two framed ones is framed too.
          expect(targets).toEqual(order.filter((id) => targets!.includes(id)));
        }
      }),
      { numRuns: 60 },
    );
  });

  it('on a branching pipeline too wide to fit, frames the branches beside the bottleneck, not list neighbours', () => {
    // Six request types, each a queue and a GPU group, joining on one reply queue.
    const types = ['a', 'b', 'c', 'd', 'e', 'f'];
    const stages: LayoutInput[] = [
      { id: 'api', kind: 'service', height: 120 },
      ...types.flatMap((t): LayoutInput[] => [
        { id: `${t}-q`, kind: 'queue', after: ['api'], height: 120 },
        { id: `${t}-w`, kind: 'workers', consumesFrom: `${t}-q`, height: 120 },
      ]),
      { id: 'reply-q', kind: 'queue', after: types.map((t) => `${t}-w`), height: 120 },
      { id: 'reply-w', kind: 'workers', consumesFrom: 'reply-q', height: 120 },
      ...Array.from({ length: 8 }, (_, i): LayoutInput => ({ id: `tail-${i}`, kind: 'service', height: 120 })),
    ];
    const layout = layoutStages(stages, 'LR');
    const order = stages.map((s) => s.id);
    const targets = fitTargets(layout, order, { width: 1400, height: 600 }, 'c-q')!;
    expect(targets).not.toBeNull();
    // The queues laid out beside it (same column, far apart in the list) are framed, and what comes
    // after them; the far end of the tail is not.
    expect(targets).toEqual(expect.arrayContaining(['api', 'a-q', 'b-q', 'c-q', 'd-q', 'f-q', 'c-w', 'reply-q']));
    expect(targets).not.toContain('tail-7');
  });
});
