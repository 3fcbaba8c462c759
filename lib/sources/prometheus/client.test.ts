import { afterEach, describe, expect, it, vi } from 'vitest';
import { createPrometheusClient, parseSampleValue } from './client';

afterEach(() => vi.unstubAllGlobals());

describe('Prometheus client', () => {
  it.each([
    ['1.5', 1.5],
    ['NaN', null],
    ['+Inf', Number.POSITIVE_INFINITY],
    ['-Inf', Number.NEGATIVE_INFINITY],
    ['0', 0],
  ])('parses the sample value %s', (raw, expected) => {
    expect(parseSampleValue(raw)).toBe(expected);
  });

  it('refuses a range of more than 11,000 points before asking', async () => {
    const fetchSpy = vi.fn();
    vi.stubGlobal('fetch', fetchSpy);
    const r = await createPrometheusClient({ url: 'http://p' }).range('up', 0, 12_000, 1);
    expect(r).toEqual({ ok: false, error: 'Prometheus: 12000 points per series exceeds 11000; use a larger step' });
    expect(fetchSpy).not.toHaveBeenCalled();
  });

  it("shows Prometheus' own error text for a bad query", async () => {
    vi.stubGlobal(
      'fetch',
      async () =>
        new Response(JSON.stringify({ status: 'error', errorType: 'bad_data', error: 'parse error at char 4' }), {
          status: 400,
        }),
    );
    const r = await createPrometheusClient({ url: 'http://p' }).instant('up{');
    expect(r).toEqual({ ok: false, error: 'Prometheus: bad_data: parse error at char 4' });
  });

  it('turns a refused connection into a message naming the source', async () => {
    const r = await createPrometheusClient({ url: 'http://127.0.0.1:20999', timeoutMs: 500 }).instant('up');
    expect(r.ok).toBe(false);
    expect(!r.ok && r.error).toBe('Prometheus: connection refused');
  });
});
