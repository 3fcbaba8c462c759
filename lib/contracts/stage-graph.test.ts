import { describe, expect, it } from 'vitest';
import { downstreamStages, predecessorsOf, slowestWay, upstreamStages, type GraphStage } from './stage-graph';

const chain = (list: string) => list.split(' ').map((id) => ({ id }));

// Two request types: face matching and ID parsing, each with its queue and workers, one reply queue.
const branching: GraphStage[] = [
  { id: 'api', kind: 'service' },
  { id: 'db', kind: 'store' },
  { id: 'face-q', kind: 'queue' },
  { id: 'ocr-q', kind: 'queue', after: ['api'] },
  { id: 'face', kind: 'workers', consumesFrom: 'face-q' },
  { id: 'ocr', kind: 'workers', consumesFrom: 'ocr-q' },
  { id: 'replies', kind: 'queue', after: ['face', 'ocr'] },
  { id: 'consumers', kind: 'workers', consumesFrom: 'replies' },
];

describe('the pipeline as a graph', () => {
  it('is one chain through every stage, in list order, when no stage says after', () => {
    const stages = chain('api q w r c');
    expect([...predecessorsOf(stages).values()]).toEqual([[], ['api'], ['q'], ['w'], ['r']]);
    expect(slowestWay(stages, () => 1)).toEqual({ totalMs: 5, stageIds: ['api', 'q', 'w', 'r', 'c'] });
    expect(downstreamStages(stages, 'w')).toEqual(['r', 'c']);
  });

  it('branches per request type: workers come from their queue, a store hangs off, the join names both', () => {
    const preds = predecessorsOf(branching);
    expect(Object.fromEntries(preds)).toEqual({
      api: [],
      db: ['api'],
      'face-q': ['api'],
      'ocr-q': ['api'],
      face: ['face-q'],
      ocr: ['ocr-q'],
      replies: ['face', 'ocr'],
      consumers: ['replies'],
    });
    // The face workers' output goes to the replies, not to the OCR queue listed near them.
    expect(downstreamStages(branching, 'face')).toEqual(['replies', 'consumers']);
    expect(upstreamStages(branching, 'replies')).toEqual(['face', 'ocr', 'face-q', 'ocr-q', 'api']);
  });

  it('finds the slowest way exactly, whichever branch it takes', () => {
    const ms: Record<string, number> = {
      api: 5,
      db: 900,
      'face-q': 10,
      face: 800,
      'ocr-q': 300,
      ocr: 2500,
      replies: 40,
    };
    const way = slowestWay(branching, (i) => ms[branching[i]!.id] ?? 0);
    expect(way).toEqual({ totalMs: 5 + 300 + 2500 + 40, stageIds: ['api', 'ocr-q', 'ocr', 'replies', 'consumers'] });
  });

  it('stays exact past any number of ways (ten diamonds in a row: 1,024 of them)', () => {
    const stages: GraphStage[] = [{ id: 'in' }];
    for (let d = 0; d < 10; d++) {
      const from = stages.at(-1)!.id;
      stages.push(
        { id: `a${d}`, after: [from] },
        { id: `b${d}`, after: [from] },
        { id: `j${d}`, after: [`a${d}`, `b${d}`] },
      );
    }
    // Every b is slower than its a: the slowest way takes all ten b's.
    const way = slowestWay(stages, (i) => (stages[i]!.id.startsWith('b') ? 2 : 1));
    expect(way.totalMs).toBe(1 + 10 * (2 + 1));
    expect(way.stageIds.filter((id) => id.startsWith('b'))).toHaveLength(10);
  });
});
