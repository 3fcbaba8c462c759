import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, interpolateEnv, loadConfigFile, parseConfig } from './load-config';

const valid = `
auth: {sessionSecret: '0123456789abcdef0123456789abcdef', anonymousRead: true}
pipeline:
  name: kyc
  endToEnd: { latency: { histogram: api_seconds }, sloMs: 3000 }
  stages:
    - { id: api, kind: service }
    - { id: replies, kind: queue, queue: { name: api.replies } }
    - { id: consumers, kind: workers, consumesFrom: replies, nomad: { job: api, group: c } }
sources:
  rabbitmq:
    managementUrl: http://127.0.0.1:15672
    username: monitor
    password: \${RABBIT_PW}
  prometheus:
    url: http://127.0.0.1:9090
  nomad:
    url: http://127.0.0.1:4646
    token: \${NOMAD_TOKEN}
`;

const auth = "auth: {sessionSecret: '0123456789abcdef0123456789abcdef', anonymousRead: true}\n";
const minimal =
  auth + 'pipeline: {name: x, endToEnd: {latency: {histogram: h}, sloMs: 3000}, stages: [{id: a, kind: service}]}';

describe('parseConfig', () => {
  it('takes several pipelines, the first the default; refuses both forms, neither, or a name twice', () => {
    const stage = '[{id: a, kind: service}]';
    const two = `${auth}pipelines: [{name: kyc, endToEnd: {sloMs: 3000}, stages: ${stage}}, {name: docs, endToEnd: {sloMs: 9000}, stages: ${stage}}]\nsources: {}`;
    const c = parseConfig(two, 'w.yaml', {});
    expect(c.pipelines.map((p) => p.name)).toEqual(['kyc', 'docs']);
    expect(c.pipeline.name).toBe('kyc');
    const one = parseConfig(`${minimal}\nsources: {}`, 'w.yaml', {});
    expect(one.pipelines).toEqual([one.pipeline]);
    expect(() =>
      parseConfig(
        `${minimal}\npipelines: [{name: y, endToEnd: {sloMs: 1}, stages: ${stage}}]\nsources: {}`,
        'w.yaml',
        {},
      ),
    ).toThrow(/pipelines: give pipeline or pipelines, not both/);
    expect(() => parseConfig(`${auth}sources: {}`, 'w.yaml', {})).toThrow(/pipeline: required/);
    expect(() =>
      parseConfig(
        `${auth}pipelines: [{name: x, endToEnd: {sloMs: 1}, stages: ${stage}}, {name: x, endToEnd: {sloMs: 1}, stages: ${stage}}]\nsources: {}`,
        'w.yaml',
        {},
      ),
    ).toThrow(/pipelines\.1\.name: duplicate pipeline name "x"/);
  });

  it('takes request types: stages that branch from an earlier one (after) and join again', () => {
    const config = parseConfig(
      `${auth}pipeline: {name: x, endToEnd: {sloMs: 3000}, stages: [{id: api, kind: service}, {id: fq, kind: queue, queue: {name: face}}, {id: ocrq, kind: queue, queue: {name: ocr}, after: api}, {id: r, kind: queue, queue: {name: replies}, after: [fq, ocrq]}]}\nsources: {}`,
      'w.yaml',
      {},
    );
    expect(config.pipeline.stages.map((s) => s.after)).toEqual([undefined, undefined, 'api', ['fq', 'ocrq']]);
  });

  it('takes a pipeline without an end-to-end latency (the figure is then estimated), but still needs the SLO', () => {
    const c = parseConfig(
      `${auth}pipeline: {name: x, endToEnd: {sloMs: 3000}, stages: [{id: a, kind: service}]}\nsources: {}`,
      'w.yaml',
      {},
    );
    expect(c.pipeline.endToEnd.latency).toBeUndefined();
    expect(c.pipeline.endToEnd).toMatchObject({ sloMs: 3000, quantile: 0.9 });
    expect(() =>
      parseConfig(
        `${auth}pipeline: {name: x, endToEnd: {}, stages: [{id: a, kind: service}]}\nsources: {}`,
        'w.yaml',
        {},
      ),
    ).toThrow(/pipeline\.endToEnd\.sloMs/);
  });

  it('loads a valid file, filling secrets from the environment and defaults', () => {
    const config = parseConfig(valid, 'w.yaml', { RABBIT_PW: 'pw', NOMAD_TOKEN: 'tok' });
    expect(config.sources.rabbitmq).toMatchObject({ password: 'pw', vhost: '/' });
    expect(config.sources.nomad).toMatchObject({ token: 'tok', namespace: 'default' });
  });

  describe('gpuMemory on a worker stage', () => {
    const withStage = (stage: string) =>
      `${auth}pipeline: {name: x, endToEnd: {sloMs: 1}, stages: [{id: q, kind: queue, queue: {name: q}}, ${stage}]}\nsources: {}`;
    const util = 'gpuUtilQuery: avg(DCGM_FI_DEV_GPU_UTIL)';

    it("takes dcgm-exporter's used and free in MiB (the default) and nvidia_gpu_exporter's used and total in bytes", () => {
      const dcgm = parseConfig(
        withStage(
          `{id: w, kind: workers, consumesFrom: q, ${util}, gpuMemory: {usedQuery: 'DCGM_FI_DEV_FB_USED{job="ml"}', freeQuery: 'DCGM_FI_DEV_FB_FREE{job="ml"}'}}`,
        ),
        'w.yaml',
        {},
      );
      expect(dcgm.pipeline.stages[1]!.gpuMemory).toEqual({
        usedQuery: 'DCGM_FI_DEV_FB_USED{job="ml"}',
        freeQuery: 'DCGM_FI_DEV_FB_FREE{job="ml"}',
        unit: 'MiB',
      });
      const smi = parseConfig(
        withStage(
          `{id: w, kind: workers, ${util}, gpuMemory: {usedQuery: nvidia_smi_memory_used_bytes, totalQuery: nvidia_smi_memory_total_bytes, unit: bytes}}`,
        ),
        'w.yaml',
        {},
      );
      expect(smi.pipeline.stages[1]!.gpuMemory).toMatchObject({
        totalQuery: 'nvidia_smi_memory_total_bytes',
        unit: 'bytes',
      });
    });

    it.each([
      [
        `{id: w, kind: workers, ${util}, gpuMemory: {usedQuery: u}}`,
        /pipeline\.stages\.1\.gpuMemory\.freeQuery: required: freeQuery/,
      ],
      [
        `{id: w, kind: workers, ${util}, gpuMemory: {usedQuery: u, freeQuery: f, totalQuery: t}}`,
        /pipeline\.stages\.1\.gpuMemory\.totalQuery: give freeQuery or totalQuery, not both/,
      ],
      [
        `{id: w, kind: workers, ${util}, gpuMemory: {freeQuery: f}}`,
        /pipeline\.stages\.1\.gpuMemory\.usedQuery: required: PromQL for memory used/,
      ],
      [
        `{id: w, kind: workers, ${util}, gpuMemory: {usedQuery: u, freeQuery: f, unit: GB}}`,
        /pipeline\.stages\.1\.gpuMemory\.unit: 'MiB' \(dcgm-exporter\) or 'bytes'/,
      ],
      [
        `{id: w, kind: workers, ${util}, gpuMemory: {usedQuery: u, freeQuery: f, usedMiB: 3}}`,
        /pipeline\.stages\.1\.gpuMemory: Unrecognized key: "usedMiB"/,
      ],
      [
        `{id: w, kind: workers, gpuMemory: {usedQuery: u, freeQuery: f}}`,
        /pipeline\.stages\.1\.gpuMemory: gpuMemory needs gpuUtilQuery/,
      ],
      [
        `{id: s, kind: service, ${util}, gpuMemory: {usedQuery: u, freeQuery: f}}`,
        /pipeline\.stages\.1\.gpuMemory: gpuMemory is for a workers stage/,
      ],
    ])('refuses %s, naming the key', (stage, message) => {
      expect(() => parseConfig(withStage(stage), 'w.yaml', {})).toThrow(message);
    });
  });

  it.each([
    ['broken: [yaml', {}, /w\.yaml: not valid YAML at line 1/],
    [valid, { NOMAD_TOKEN: 't' }, /w\.yaml: sources\.rabbitmq\.password: environment variable RABBIT_PW is not set/],
    [`${auth}pipeline: {}\nsources: {}`, {}, /w\.yaml: pipeline\.name: /],
    [minimal.replace(auth, '') + '\nsources: {}', {}, /w\.yaml: auth: required: who may read and act/],
    [
      minimal.replace('anonymousRead: true', 'anonymousRead: false') + '\nsources: {}',
      {},
      /w\.yaml: auth\.users: nobody could read/,
    ],
    [`${minimal}\nsources: {prometheus: {url: "not a url"}}`, {}, /w\.yaml: sources\.prometheus\.url: /],
    [`${minimal}\nsources: {prometheus: {url: "ftp://x"}}`, {}, /sources\.prometheus\.url/],
    [`${minimal}\nsources: {kafka: {}}`, {}, /w\.yaml: sources: Unrecognized key: "kafka"/],
    [minimal, {}, /w\.yaml: sources: /],
    [
      `${auth}pipeline: {name: x, endToEnd: {latency: {histogram: h}, sloMs: 1}, stages: [{id: q, kind: queue}]}\nsources: {}`,
      {},
      /pipeline\.stages\.0\.queue: a queue stage needs queue\.name/,
    ],
    [
      `${auth}pipeline: {name: x, endToEnd: {latency: {histogram: h}, sloMs: 1}, stages: [{id: a, kind: service}, {id: a, kind: store}]}\nsources: {}`,
      {},
      /pipeline\.stages\.1\.id: duplicate stage id "a"/,
    ],
    [
      `${auth}pipeline: {name: x, endToEnd: {latency: {histogram: h}, sloMs: 1}, stages: [{id: w, kind: workers, consumesFrom: nope}]}\nsources: {}`,
      {},
      /pipeline\.stages\.0\.consumesFrom: "nope" is not a queue stage/,
    ],
    [
      `${auth}pipeline: {name: x, endToEnd: {sloMs: 1}, stages: [{id: a, kind: service}, {id: b, kind: service, after: [a, c]}, {id: c, kind: store}]}\nsources: {}`,
      {},
      /pipeline\.stages\.1\.after\.1: "c" is listed after "b": stages are in request order, so after names earlier stages only/,
    ],
    [
      `${auth}pipeline: {name: x, endToEnd: {sloMs: 1}, stages: [{id: a, kind: service}, {id: w, kind: workers, consumesFrom: q}, {id: q, kind: queue, queue: {name: q}, after: a}]}\nsources: {}`,
      {},
      /pipeline\.stages\.1\.consumesFrom: "q" is listed after "w"/,
    ],
    [
      `${auth}pipeline: {name: x, endToEnd: {sloMs: 1}, stages: [{id: a, kind: service}, {id: b, kind: service, after: [a, a]}]}\nsources: {}`,
      {},
      /pipeline\.stages\.1\.after\.1: "a" is named twice/,
    ],
    [
      `${auth}pipeline: {name: x, endToEnd: {sloMs: 1}, stages: [{id: a, kind: service}, {id: b, kind: service, after: b}]}\nsources: {}`,
      {},
      /pipeline\.stages\.1\.after: a stage cannot come after itself/,
    ],
    [
      `${auth}pipeline: {name: x, endToEnd: {sloMs: 1}, stages: [{id: a, kind: service}, {id: q, kind: queue, queue: {name: q}}, {id: p, kind: queue, queue: {name: p}, after: a}, {id: w, kind: workers, consumesFrom: q, after: p}]}\nsources: {}`,
      {},
      /pipeline\.stages\.3\.after: the queue this group consumes from \("q"\) is not on the way to it/,
    ],
    [
      `${auth}pipeline: {name: x, endToEnd: {sloMs: 1}, stages: [{id: a, kind: service}, {id: b, kind: service, after: nope}]}\nsources: {}`,
      {},
      /pipeline\.stages\.1\.after: "nope" is not a stage of this pipeline/,
    ],
    [
      `${auth}pipeline: {name: x, endToEnd: {latency: {histogram: h}, sloMs: -1}, stages: [{id: a, kind: service}]}\nsources: {}`,
      {},
      /pipeline\.endToEnd\.sloMs/,
    ],
    [
      `${auth}pipeline: {name: x, endToEnd: {latency: {histogram: h}, sloMs: 1}, stages: [{id: "Bad Id", kind: service}]}\nsources: {}`,
      {},
      /pipeline\.stages\.0\.id: lower-case letters/,
    ],
  ])('names the file and the key for %j', (text, env, message) => {
    expect(() => parseConfig(text, 'w.yaml', env)).toThrow(message);
  });
});

describe('loadConfigFile', () => {
  it('reads a file and reports a missing one by name', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'warroom-config-'));
    const file = path.join(dir, 'warroom.yaml');
    writeFileSync(file, valid);
    expect(loadConfigFile(file, { RABBIT_PW: 'a', NOMAD_TOKEN: 'b' }).pipeline.name).toBe('kyc');
    const missing = path.join(dir, 'nope.yaml');
    expect(() => loadConfigFile(missing, {})).toThrow(ConfigError);
    expect(() => loadConfigFile(missing, {})).toThrow(`${missing}: cannot read the file (ENOENT)`);
  });
});

describe('interpolateEnv', () => {
  it('substitutes inside strings, arrays and objects and leaves other values alone', () => {
    expect(interpolateEnv({ a: 'x-${A}-y', b: ['${A}'], c: 3, d: null }, { A: '1' })).toEqual({
      a: 'x-1-y',
      b: ['1'],
      c: 3,
      d: null,
    });
  });
});
