import { describe, expect, it } from 'vitest';
import { parseConfig } from '../config/load-config';
import { predecessorsOf } from '../contracts/stage-graph';
import { stageSpecs } from './poller';

describe('the configured stages as the analysis sees them', () => {
  it('carry where request types branch and join, as lists, from the YAML as written', () => {
    const config = parseConfig(
      `auth: {sessionSecret: ${'s'.repeat(32)}, anonymousRead: true}
pipeline:
  name: kyc
  endToEnd: {sloMs: 3000}
  stages:
    - {id: api, kind: service}
    - {id: face-q, kind: queue, queue: {name: ml.face}}
    - {id: ocr-q, kind: queue, queue: {name: ml.ocr}, after: api}
    - {id: face, kind: workers, consumesFrom: face-q}
    - {id: ocr, kind: workers, consumesFrom: ocr-q}
    - {id: replies, kind: queue, queue: {name: api.replies}, after: [face, ocr]}
sources: {}
`,
      'w.yaml',
      {},
    );
    const specs = stageSpecs(config);
    expect(specs.map((s) => s.after)).toEqual([undefined, undefined, ['api'], undefined, undefined, ['face', 'ocr']]);
    expect(Object.fromEntries(predecessorsOf(specs))).toEqual({
      api: [],
      'face-q': ['api'],
      'ocr-q': ['api'],
      face: ['face-q'],
      ocr: ['ocr-q'],
      replies: ['face', 'ocr'],
    });
  });
});
