import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { redact, redactedMark, redactorFor, urlSecrets } from './redact';

describe('redact', () => {
  it.each([
    [
      'connect to http://admin:hunter22@10.0.0.1:15672/api failed',
      'connect to http://[redacted]@10.0.0.1:15672/api failed',
    ],
    ['amqp://guest@broker:5672', 'amqp://[redacted]@broker:5672'],
    ['postgres://warroom:pa%40ss@db/warroom', 'postgres://[redacted]@db/warroom'],
    ['Authorization: Bearer abcdef123456', 'Authorization: Bearer [redacted]'],
    ['basic dXNlcjpwYXNzd29yZA==', 'basic [redacted]'],
    ['GET /v1/jobs?token=s3cr3t&x=1', 'GET /v1/jobs?token=[redacted]&x=1'],
    ['{"password":"p4ss","name":"olivia"}', '{"password":"[redacted]","name":"olivia"}'],
    ['PGPASSWORD=topsecret psql', 'PGPASSWORD=[redacted] psql'],
    // Ordinary sentences are left alone.
    [
      'Nomad: HTTP 403 Permission denied (token lacks scale-job)',
      'Nomad: HTTP 403 Permission denied (token lacks scale-job)',
    ],
    ['sessionSecret: at least 32 characters', 'sessionSecret: at least 32 characters'],
    ['RabbitMQ: connection refused', 'RabbitMQ: connection refused'],
    ['http://127.0.0.1:9090/api/v1/query', 'http://127.0.0.1:9090/api/v1/query'],
  ])('%s', (text, expected) => {
    expect(redact(text)).toBe(expected);
  });

  it('removes known secrets as typed, URL-encoded and inside Basic credentials', () => {
    const scrub = redactorFor(['tok-9f8e7d', 'p@ss word', ...urlSecrets('http://rabbit:p@ss word@h/')]);
    const basic = Buffer.from('rabbit:p@ss word').toString('base64');
    const text = `X-Nomad-Token tok-9f8e7d; pw p%40ss%20word; header ${basic}; raw p@ss word`;
    const out = scrub(text);
    expect(out).not.toContain('tok-9f8e7d');
    expect(out).not.toContain('p%40ss%20word');
    expect(out).not.toContain('p@ss word');
    expect(out).not.toContain(basic);
  });

  it('never lets a planted secret through, wherever it sits in a text', () => {
    const secret = fc.string({ minLength: 4, maxLength: 40 }).filter((s) => s.trim().length >= 4);
    fc.assert(
      fc.property(secret, fc.string({ maxLength: 60 }), fc.string({ maxLength: 60 }), (s, before, after) => {
        const out = redactorFor([s])(`${before}${s}${after}`);
        // The secret may only survive if the text around it happens to rebuild it after the mark.
        expect(out.includes(s) && !`${before}${redactedMark}${after}`.includes(s)).toBe(false);
      }),
      { numRuns: 500 },
    );
  });

  it('finds the password in a URL', () => {
    expect(urlSecrets('postgres://warroom:abc%2Fdef@127.0.0.1/x')).toEqual(['abc/def', 'warroom:abc/def']);
    expect(urlSecrets('http://127.0.0.1/')).toEqual([]);
    expect(urlSecrets('not a url')).toEqual([]);
  });
});
