import { describe, expect, it } from 'vitest';
import { parseConfig } from './load-config';

const base = `auth: {sessionSecret: '0123456789abcdef0123456789abcdef', anonymousRead: true}
pipeline: {name: x, endToEnd: {sloMs: 3000}, stages: [{id: a, kind: service}]}
`;

describe('polling.queueStatsFrom', () => {
  it("defaults to the management API and takes 'prometheus' with the plugin's URL", () => {
    const plain = parseConfig(`${base}sources: {rabbitmq: {managementUrl: 'http://r:15672'}}`, 'w.yaml', {});
    expect(plain.polling.queueStatsFrom).toBe('management');
    expect(plain.sources.rabbitmq?.prometheusUrl).toBeUndefined();
    const prom = parseConfig(
      `${base}polling: {queueStatsFrom: prometheus}\nsources: {rabbitmq: {managementUrl: 'http://r:15672', prometheusUrl: 'http://r:15692'}}`,
      'w.yaml',
      {},
    );
    expect(prom.polling.queueStatsFrom).toBe('prometheus');
    expect(prom.sources.rabbitmq?.prometheusUrl).toBe('http://r:15692');
  });

  it.each([
    [
      "'prometheus' without prometheusUrl",
      `${base}polling: {queueStatsFrom: prometheus}\nsources: {rabbitmq: {managementUrl: 'http://r:15672'}}`,
      /w\.yaml: polling\.queueStatsFrom: 'prometheus' needs sources\.rabbitmq\.prometheusUrl/,
    ],
    [
      "'prometheus' without RabbitMQ",
      `${base}polling: {queueStatsFrom: prometheus}\nsources: {}`,
      /polling\.queueStatsFrom: 'prometheus' needs sources\.rabbitmq\.prometheusUrl/,
    ],
    ['another source', `${base}polling: {queueStatsFrom: amqp}\nsources: {}`, /polling\.queueStatsFrom/],
    [
      'a URL that is not http(s)',
      `${base}sources: {rabbitmq: {managementUrl: 'http://r:15672', prometheusUrl: 'amqp://r:5672'}}`,
      /sources\.rabbitmq\.prometheusUrl/,
    ],
  ])('refuses %s, naming the key', (_what, text, message) => {
    expect(() => parseConfig(text, 'w.yaml', {})).toThrow(message);
  });
});
