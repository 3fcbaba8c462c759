import { recordSourceCall } from '../../metrics/registry';
import { fail, fetchSource, ok, parseJson, type SourceResult } from '../result';
import { ErrorSchema, SuccessSchema } from './schemas';

/**
 * Prometheus HTTP API client: instant and range queries, POSTed form-encoded (queries get long),
 * zod-parsed, with NaN and ±Inf turned into numbers the analysis can test (NaN means "no
 * traffic" and becomes null).
 */
export interface PrometheusSample {
  labels: Record<string, string>;
  value: number | null;
}

export interface PrometheusSeries {
  labels: Record<string, string>;
  points: Array<{ t: number; value: number | null }>;
}

export interface PrometheusClientOptions {
  url: string;
  bearerToken?: string;
  timeoutMs?: number;
}

/** Prometheus refuses a range query of more than 11,000 points per series. */
export const maxPointsPerSeries = 11_000;

export function parseSampleValue(raw: string): number | null {
  if (raw === '+Inf') return Number.POSITIVE_INFINITY;
  if (raw === '-Inf') return Number.NEGATIVE_INFINITY;
  const value = Number(raw);
  return Number.isNaN(value) ? null : value;
}

export function createPrometheusClient(options: PrometheusClientOptions) {
  const timeoutMs = options.timeoutMs ?? 2000;
  const base = options.url.replace(/\/$/, '');
  const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded' };
  if (options.bearerToken) headers.authorization = `Bearer ${options.bearerToken}`;

  async function call(endpoint: 'query' | 'query_range', params: Record<string, string>) {
    const started = performance.now();
    const result = await fetchSource(
      'Prometheus',
      `${base}/api/v1/${endpoint}`,
      { method: 'POST', headers, body: new URLSearchParams(params), timeoutMs },
      (body) => {
        const json = parseJson('Prometheus', body);
        if (!json.ok) return json;
        const parsed = SuccessSchema.safeParse(json.value);
        if (!parsed.success)
          return fail(`Prometheus: unexpected answer shape (${parsed.error.issues[0]?.message ?? 'invalid'})`);
        return ok(parsed.data.data);
      },
    );
    recordSourceCall('prometheus', endpoint, result.ok, result.bytes, (performance.now() - started) / 1000);
    if (!result.ok) {
      // A 400/422/503 carries Prometheus' own error text in JSON; show that rather than raw JSON.
      const match = /HTTP (\d+) (.*)$/s.exec(result.error);
      if (match) {
        const parsed = ErrorSchema.safeParse(JSON.parse(safeJson(match[2]!)));
        if (parsed.success) return fail<never>(`Prometheus: ${parsed.data.errorType}: ${parsed.data.error}`);
      }
    }
    return result;
  }

  return {
    async instant(query: string, atSec?: number): Promise<SourceResult<PrometheusSample[]>> {
      const params: Record<string, string> = { query, timeout: `${Math.max(1, Math.floor(timeoutMs / 1000))}s` };
      if (atSec !== undefined) params.time = String(atSec);
      const result = await call('query', params);
      if (!result.ok) return result;
      const data = result.value;
      if (data.resultType === 'vector')
        return ok(data.result.map((s) => ({ labels: s.metric, value: parseSampleValue(s.value[1]) })));
      if (data.resultType === 'scalar') return ok([{ labels: {}, value: parseSampleValue(data.result[1]) }]);
      return fail(`Prometheus: expected a vector for "${query}", got a ${data.resultType}`);
    },

    async range(
      query: string,
      startSec: number,
      endSec: number,
      stepSec: number,
    ): Promise<SourceResult<PrometheusSeries[]>> {
      if (!(stepSec > 0) || endSec < startSec)
        return fail('Prometheus: a range needs end >= start and a positive step');
      if ((endSec - startSec) / stepSec > maxPointsPerSeries) {
        return fail(
          `Prometheus: ${Math.ceil((endSec - startSec) / stepSec)} points per series exceeds ${maxPointsPerSeries}; use a larger step`,
        );
      }
      const result = await call('query_range', {
        query,
        start: String(startSec),
        end: String(endSec),
        step: String(stepSec),
      });
      if (!result.ok) return result;
      const data = result.value;
      if (data.resultType !== 'matrix')
        return fail(`Prometheus: expected a matrix for "${query}", got a ${data.resultType}`);
      return ok(
        data.result.map((s) => ({
          labels: s.metric,
          points: s.values.map(([t, v]) => ({ t, value: parseSampleValue(v) })),
        })),
      );
    },
  };
}

function safeJson(text: string): string {
  try {
    JSON.parse(text);
    return text;
  } catch {
    return 'null';
  }
}

export type PrometheusClient = ReturnType<typeof createPrometheusClient>;
