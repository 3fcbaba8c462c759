import { describe, expect, it } from 'vitest';
import { downstreamStages, maxRequestPaths, predecessorsOf, requestPaths } from './stage-graph';

const ids = (list: string) => list.split(' ').map((id) => ({ id }));

describe('the pipeline as a graph', () => {
  it('is one path through every stage when nothing says otherwise', () => {
    const stages = ids('api q w r c');
    expect(requestPaths(stages)).toEqual([[0, 1, 2, 3, 4]]);
    expect(predecessorsOf(stages).get('api')).toEqual([]);
    expect(downstreamStages(stages, 'w')).toEqual(['r', 'c']);
  });

  it('branches per request type and joins again', () => {
    const stages = [
      { id: 'api' },
      { id: 'face-q' },
      { id: 'face' },
      { id: 'ocr-q', after: ['api'] },
      { id: 'ocr' },
      { id: 'replies', after: ['face', 'ocr'] },
      { id: 'consumers' },
    ];
    expect(requestPaths(stages)).toEqual([
      [0, 1, 2, 5, 6],
      [0, 3, 4, 5, 6],
    ]);
    // The face workers' output goes to the replies, not to the OCR queue listed after them.
    expect(downstreamStages(stages, 'face')).toEqual(['replies', 'consumers']);
    expect(downstreamStages(stages, 'api')).toEqual(['face-q', 'ocr-q', 'face', 'ocr', 'replies', 'consumers']);
  });

  it('keeps a bounded number of paths however many branches multiply', () => {
    // Ten diamonds in a row: 2^10 ways through.
    const stages: Array<{ id: string; after?: string[] }> = [{ id: 'in' }];
    for (let d = 0; d < 10; d++) {
      const from = stages.at(-1)!.id;
      stages.push(
        { id: `a${d}`, after: [from] },
        { id: `b${d}`, after: [from] },
        { id: `j${d}`, after: [`a${d}`, `b${d}`] },
      );
    }
    const paths = requestPaths(stages);
    expect(paths).toHaveLength(maxRequestPaths);
    for (const p of paths) expect(p[0]).toBe(0);
  });
});
