import type { z } from 'zod';
import { recordSourceCall } from '../../metrics/registry';
import { fail, fetchSource, ok, parseJson, type SourceResult } from '../result';
import {
  DeploymentSchema,
  JobScaleStatusSchema,
  JobSchema,
  ScaleResponseSchema,
  type NomadDeployment,
  type NomadJob,
  type NomadJobScaleStatus,
  type NomadScaleRequest,
  type NomadScaleResponse,
} from './schemas';

/**
 * Nomad HTTP API client, written against the documented API so it works the same against a real
 * cluster and the demo's stand-in. The ACL token travels in X-Nomad-Token; every call names the
 * namespace.
 */
export interface NomadClientOptions {
  url: string;
  token?: string;
  namespace: string;
  timeoutMs?: number;
}

export function createNomadClient(options: NomadClientOptions) {
  const base = options.url.replace(/\/$/, '');
  const timeoutMs = options.timeoutMs ?? 2000;
  const headers: Record<string, string> = {};
  if (options.token) headers['X-Nomad-Token'] = options.token;

  async function get<S extends z.ZodType>(
    endpoint: string,
    path: string,
    schema: S,
  ): Promise<SourceResult<z.infer<S>> & { index: number | null }> {
    const sep = path.includes('?') ? '&' : '?';
    const url = `${base}${path}${sep}namespace=${encodeURIComponent(options.namespace)}`;
    const started = performance.now();
    let index: number | null = null;
    const result = await fetchSource('Nomad', url, { headers, timeoutMs }, (body, res) => {
      index = Number(res.headers.get('x-nomad-index')) || null;
      const json = parseJson('Nomad', body);
      if (!json.ok) return json;
      const parsed = schema.safeParse(json.value);
      return parsed.success
        ? ok(parsed.data)
        : fail(`Nomad: unexpected answer shape from ${endpoint} (${parsed.error.issues[0]?.message ?? 'invalid'})`);
    });
    recordSourceCall('nomad', endpoint, result.ok, result.bytes, (performance.now() - started) / 1000);
    return { ...result, index };
  }

  const job = (id: string) => encodeURIComponent(id);
  return {
    job: (id: string): Promise<SourceResult<NomadJob>> => get('job', `/v1/job/${job(id)}`, JobSchema),
    scaleStatus: (id: string): Promise<SourceResult<NomadJobScaleStatus>> =>
      get('scale-status', `/v1/job/${job(id)}/scale`, JobScaleStatusSchema),
    /** The job's most recent deployment (null when it never had one). */
    latestDeployment: (id: string): Promise<SourceResult<NomadDeployment | null>> =>
      get('deployment', `/v1/job/${job(id)}/deployment`, DeploymentSchema.nullable()),

    /**
     * POST /v1/job/:id: registers the job as given (a new version), only if its modify index is
     * still `jobModifyIndex` (EnforceIndex). What `nomad job run -check-index` sends.
     */
    register: (id: string, spec: NomadJob, jobModifyIndex: number) =>
      post('register', `/v1/job/${job(id)}`, { Job: spec, EnforceIndex: true, JobModifyIndex: jobModifyIndex }),

    /** POST /v1/job/:id/scale. Nomad's own refusals (400 bounds, 403 ACL) come back with their status. */
    scale: (id: string, request: NomadScaleRequest) => post('scale', `/v1/job/${job(id)}/scale`, request),
  };

  /** A write: its own, longer timeout; Nomad's refusals come back with their status. */
  async function post(
    endpoint: string,
    path: string,
    body: unknown,
  ): Promise<SourceResult<NomadScaleResponse> & { status: number | null }> {
    const url = `${base}${path}?namespace=${encodeURIComponent(options.namespace)}`;
    const started = performance.now();
    const result = await fetchSource(
      'Nomad',
      url,
      {
        method: 'POST',
        headers: { ...headers, 'content-type': 'application/json' },
        body: JSON.stringify(body),
        timeoutMs: Math.max(timeoutMs, 5000),
      },
      (text) => {
        const json = parseJson('Nomad', text);
        if (!json.ok) return json;
        const parsed = ScaleResponseSchema.safeParse(json.value);
        return parsed.success ? ok(parsed.data) : fail(`Nomad: unexpected answer shape from ${endpoint}`);
      },
    );
    recordSourceCall('nomad', endpoint, result.ok, result.bytes, (performance.now() - started) / 1000);
    return result;
  }
}

export type NomadClient = ReturnType<typeof createNomadClient>;

/**
 * A group's scaling block as an autoscaler sees it: a policy (the block's `policy`, read by the
 * Nomad Autoscaler) that is enabled or not, within Min-Max. A block without a policy only bounds
 * manual scaling: null.
 */
export function autoscalerOf(
  scaling:
    { Min?: number | null; Max: number; Enabled?: boolean; Policy?: Record<string, unknown> | null } | null | undefined,
): { enabled: boolean; min: number | null; max: number } | null {
  if (!scaling?.Policy || Object.keys(scaling.Policy).length === 0) return null;
  return { enabled: scaling.Enabled !== false, min: scaling.Min ?? null, max: scaling.Max };
}
