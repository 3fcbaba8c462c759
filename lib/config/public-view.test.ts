import { describe, expect, it } from 'vitest';
import { parseConfig } from './load-config';
import { publicSources, stripCredentials } from './public-view';

describe('publicSources', () => {
  it('never carries a password, token or credential inside a URL', () => {
    const config = parseConfig(
      `auth: {sessionSecret: '0123456789abcdef0123456789abcdef', anonymousRead: true}
pipeline: {name: p, endToEnd: {latency: {histogram: h}, sloMs: 3000}, stages: [{id: a, kind: service}]}
sources:
  rabbitmq: {managementUrl: "http://admin:hunter2@10.0.0.1:15672/", amqpUrl: "amqp://u:amqp-secret@10.0.0.1", password: rabbit-secret}
  prometheus: {url: "http://p:prom-secret@10.0.0.2:9090", bearerToken: bearer-secret}
  nomad: {url: "https://10.0.0.3:4646", token: nomad-secret}
`,
      'c.yaml',
      {},
    );
    const view = JSON.stringify(publicSources(config));
    for (const secret of [
      'hunter2',
      'amqp-secret',
      'rabbit-secret',
      'prom-secret',
      'bearer-secret',
      'nomad-secret',
      'admin',
    ]) {
      expect(view).not.toContain(secret);
    }
    expect(publicSources(config).map((s) => [s.kind, s.url, s.authenticated])).toEqual([
      ['rabbitmq', 'http://10.0.0.1:15672', true],
      ['prometheus', 'http://10.0.0.2:9090', true],
      ['nomad', 'https://10.0.0.3:4646', true],
    ]);
  });

  it('marks sources the file leaves out as not configured', () => {
    const config = parseConfig(
      "auth: {sessionSecret: '0123456789abcdef0123456789abcdef', anonymousRead: true}\n" +
        'pipeline: {name: p, endToEnd: {latency: {histogram: h}, sloMs: 3000}, stages: [{id: a, kind: service}]}\nsources: {}',
      'c.yaml',
      {},
    );
    expect(publicSources(config).every((s) => !s.configured && s.url === null)).toBe(true);
  });

  it('strips user info but keeps the path', () => {
    expect(stripCredentials('http://a:b@h:1/x/')).toBe('http://h:1/x');
  });
});
