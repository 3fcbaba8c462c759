import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { BenchRecorder, benchmarksMarkdown, figureTable, ratioOf, verdictOf, type Figure } from './bench-report';

const fig = (value: number | null, target?: Figure['target']): Figure => ({
  id: 'x',
  label: 'x',
  value,
  unit: 'ms',
  target,
});

describe('verdicts', () => {
  it.each([
    [fig(499, { op: '<', value: 500 }), 'PASS'],
    [fig(500, { op: '<', value: 500 }), 'MISS'],
    [fig(200, { op: '<=', value: 200 }), 'PASS'],
    [fig(201, { op: '<=', value: 200 }), 'MISS'],
    [fig(1.04, { op: '=', value: 1, tolerance: 0.05 }), 'PASS'],
    [fig(0.9, { op: '=', value: 1, tolerance: 0.05 }), 'MISS'],
    [fig(1, { op: '=', value: 1 }), 'PASS'],
    [fig(12), 'INFO'],
    [fig(null, { op: '<', value: 1 }), 'NOT MEASURED'],
    [fig(Number.NaN, { op: '<', value: 1 }), 'NOT MEASURED'],
  ] as const)('%o is %s', (f, verdict) => {
    expect(verdictOf(f)).toBe(verdict);
  });

  it('for an upper bound, PASS is exactly a ratio of at most 1 (strictly under 1 for "<")', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0, max: 1e6, noNaN: true }),
        fc.double({ min: 1e-3, max: 1e6, noNaN: true }),
        fc.constantFrom('<' as const, '<=' as const),
        (value, target, op) => {
          const f = fig(value, { op, value: target });
          const ratio = ratioOf(f)!;
          expect(verdictOf(f) === 'PASS').toBe(op === '<' ? value < target : value <= target);
          expect(ratio).toBeCloseTo(value / target, 10);
        },
      ),
    );
  });
});

describe('rendering', () => {
  it('puts every figure in the table with its anchor, target, ratio and verdict', () => {
    const rows = figureTable([
      {
        id: 'cold',
        label: 'cold link',
        value: 420,
        unit: 'ms',
        target: { op: '<', value: 500 },
        anchor: { value: 1508, what: 'before' },
      },
      { id: 'n', label: 'snapshots', value: 17_280, unit: '' },
    ]);
    expect(rows[2]).toBe('| cold link | 420 ms | 1,508 ms, before | < 500 ms | 0.84 | PASS |');
    expect(rows[3]).toBe('| snapshots | 17,280 | – | – | – | INFO |');
  });

  it('renders BENCHMARKS.md from one run only: the tally, the table, then each section as recorded', () => {
    const printed: string[] = [];
    const r = new BenchRecorder((l) => printed.push(l));
    r.section('First-load JS of /');
    r.log('| scripts | gzip |\n|---|---|');
    r.log('| 9 | 180 KiB |');
    r.figure({ id: 'js', label: 'first-load JS', value: 180, unit: 'KiB', target: { op: '<=', value: 200 } });
    r.section('Detection lag');
    r.figure({ id: 'lag', label: 'lag', value: null, unit: 's', target: { op: '<', value: 2 } });
    const md = benchmarksMarkdown({
      startedAt: '2026-12-02T20:00:00.000Z',
      tookSeconds: 61.4,
      machine: '2 cores',
      command: 'npm run bench',
      figures: r.figures,
      sections: r.sections,
    });
    expect(md).toContain('## Figures against their targets (1 PASS, 1 NOT MEASURED)');
    expect(md).toContain('| first-load JS | 180 KiB | – | <= 200 KiB | 0.90 | PASS |');
    expect(md).toContain('## First-load JS of /\n\n| scripts | gzip |\n|---|---|\n| 9 | 180 KiB |\n');
    expect(md.indexOf('## First-load JS')).toBeLessThan(md.indexOf('## Detection lag'));
    expect(md).toContain('61 s');
    expect(printed.some((l) => l.includes('first-load JS: 180 KiB (target <= 200 KiB, ratio 0.90) PASS'))).toBe(true);
  });
});
