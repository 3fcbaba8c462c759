import http from 'node:http';
import { timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { ScaleRequestSchema } from '../../lib/sources/nomad/schemas';
import { NomadError, type Cluster, type StreamEvent } from './cluster';
import { JobSpecSchema } from './job-spec';
import {
  allocationStubView,
  deploymentView,
  evaluationView,
  jobListStubView,
  jobSummaryView,
  jobView,
  scaleStatusView,
} from './views';

/**
 * The documented subset of Nomad's HTTP API the dashboard needs. Behaviour follows Nomad:
 * errors are plain text with the status code (400 validation, 403 ACL, 404 missing), every read
 * carries X-Nomad-Index, and `?index=N&wait=30s` blocks until the state moves past N.
 */
const maxWaitMs = 10 * 60_000;
const defaultWaitMs = 5 * 60_000;

export function parseWait(raw: string | null): number {
  if (!raw) return defaultWaitMs;
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(raw.trim());
  if (!match) throw new NomadError(400, `Invalid wait time: ${raw}`);
  const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[match[2] ?? 's'] ?? 1000;
  return Math.min(maxWaitMs, Number(match[1]) * unit);
}

function tokenOf(req: http.IncomingMessage): string | null {
  const header = req.headers['x-nomad-token'];
  if (typeof header === 'string' && header) return header;
  const auth = req.headers.authorization;
  if (auth?.startsWith('Bearer ')) return auth.slice('Bearer '.length);
  return null;
}

function sameToken(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

async function readJson(req: http.IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  try {
    return JSON.parse(Buffer.concat(chunks).toString());
  } catch (err) {
    throw new NomadError(400, `Request decode failed: ${(err as Error).message}`);
  }
}

/** A write's body, checked against its schema: Nomad's 400 "Request decode failed" otherwise. */
async function readBody<T>(req: http.IncomingMessage, schema: z.ZodType<T>): Promise<T> {
  const parsed = schema.safeParse(await readJson(req));
  if (parsed.success) return parsed.data;
  throw new NomadError(
    400,
    `Request decode failed: ${parsed.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; ')}`,
  );
}

/** Nomad's JobRegisterResponse, which both a registration and a scale answer with. */
function writeResponse(result: { evalId: string; evalCreateIndex: number; jobModifyIndex: number; index: number }) {
  return {
    EvalID: result.evalId,
    EvalCreateIndex: result.evalCreateIndex,
    JobModifyIndex: result.jobModifyIndex,
    Index: result.index,
    Warnings: '',
  };
}

/** Waits until the cluster's index passes `index` or the wait runs out (a blocking query). */
function blockUntil(cluster: Cluster, index: number, waitMs: number): Promise<void> {
  if (cluster.index > index) return Promise.resolve();
  return new Promise((resolve) => {
    const onChange = () => {
      if (cluster.index > index) done();
    };
    const timer = setTimeout(() => done(), waitMs);
    const done = () => {
      clearTimeout(timer);
      cluster.off('change', onChange);
      resolve();
    };
    cluster.on('change', onChange);
  });
}

/**
 * Faults a test can ask for (POST /_standin/faults, outside Nomad's /v1 API, so no client of the
 * real API can reach it): the next scale request answered only after `delayMs`, applied or not;
 * `late` applies it only then (a leader slow to commit), after a client would have given up.
 */
export interface StandinFaults {
  scale: StandinFault | null;
  /** The same for the next job registration (POST /v1/job/:id). */
  register: StandinFault | null;
}
type StandinFault = { delayMs: number; apply: boolean; late: boolean };

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * A write under a test's fault: dropped (Nomad's 500 after the delay), applied late (after the
 * delay), or applied at once and answered after the delay; without a fault, just applied.
 */
async function withFault<T>(fault: StandinFault | null, apply: () => T): Promise<T> {
  if (fault && !fault.apply) {
    await sleep(fault.delayMs);
    throw new NomadError(500, 'rpc error: EOF');
  }
  if (fault?.late) await sleep(fault.delayMs);
  const result = apply();
  if (fault && !fault.late) await sleep(fault.delayMs);
  return result;
}

/** The namespace capabilities the stand-in's routes need, as in Nomad's ACL policies. */
export type Capability = 'read-job' | 'scale-job' | 'submit-job';

/**
 * ACL as Nomad enforces it: none (null), one management token (a string), or tokens with
 * capabilities per namespace ('*' for every namespace, null for all capabilities). A request
 * whose token is unknown is "ACL token not found"; one without a token, or whose token lacks the
 * capability, is "Permission denied" (both 403).
 */
export type StandinAcl = null | string | Array<{ secret: string; namespaces: Record<string, Capability[] | null> }>;

const RegisterBodySchema = z.object({
  Job: JobSpecSchema,
  EnforceIndex: z.boolean().optional(),
  JobModifyIndex: z.number().int().optional(),
});

export function createNomadApi(cluster: Cluster, acl: StandinAcl): http.Server {
  const faults: StandinFaults = { scale: null, register: null };
  const tokens = typeof acl === 'string' ? [{ secret: acl, namespaces: { '*': null } }] : acl;
  /** Throws Nomad's 403 unless the request's token may do `capability` in `namespace`. */
  const authorise = (req: http.IncomingMessage, namespace: string, capability: Capability) => {
    if (tokens === null) return;
    const secret = tokenOf(req);
    // Without a token a request is the anonymous token's, which has no policy here.
    if (secret === null) throw new NomadError(403, 'Permission denied');
    const token = tokens.find((t) => sameToken(secret, t.secret));
    if (!token) throw new NomadError(403, 'ACL token not found');
    const caps = namespace in token.namespaces ? token.namespaces[namespace] : token.namespaces['*'];
    if (caps === null) return; // every capability (a management token)
    if (!caps?.includes(capability)) throw new NomadError(403, 'Permission denied');
  };
  const routes: Array<{
    method: string;
    pattern: RegExp;
    read: boolean;
    /** What the token needs in the namespace (the leader status needs none). */
    capability?: Capability;
    handle: (
      m: string[],
      ns: string,
      req: http.IncomingMessage,
      url: URL,
      res: http.ServerResponse,
    ) => Promise<unknown> | unknown;
  }> = [
    { method: 'GET', pattern: /^\/v1\/status\/leader$/, read: true, handle: () => '127.0.0.1:4647' },
    {
      method: 'GET',
      pattern: /^\/v1\/jobs$/,
      read: true,
      capability: 'read-job',
      handle: (_m, ns, _req, url, res) => {
        const prefix = url.searchParams.get('prefix') ?? '';
        const jobs = [...cluster.jobs.values()]
          .filter((j) => (ns === '*' || j.spec.Namespace === ns) && j.spec.ID.startsWith(prefix))
          .sort((a, b) => a.spec.ID.localeCompare(b.spec.ID));
        const from = url.searchParams.get('next_token');
        const start = from ? jobs.findIndex((j) => j.spec.ID >= from) : 0;
        const perPage = Number(url.searchParams.get('per_page') ?? '0');
        const page = start < 0 ? [] : perPage > 0 ? jobs.slice(start, start + perPage) : jobs.slice(start);
        const next = start >= 0 && perPage > 0 ? jobs[start + perPage] : undefined;
        if (next) res.setHeader('X-Nomad-NextToken', next.spec.ID);
        return page.map((j) => jobListStubView(cluster, j));
      },
    },
    {
      method: 'GET',
      pattern: /^\/v1\/job\/([^/]+)$/,
      read: true,
      capability: 'read-job',
      handle: ([id], ns) => jobView(cluster, cluster.job(ns, id!)),
    },
    {
      method: 'GET',
      pattern: /^\/v1\/job\/([^/]+)\/summary$/,
      read: true,
      capability: 'read-job',
      handle: ([id], ns) => jobSummaryView(cluster, cluster.job(ns, id!)),
    },
    {
      method: 'GET',
      pattern: /^\/v1\/job\/([^/]+)\/allocations$/,
      read: true,
      capability: 'read-job',
      handle: ([id], ns) => {
        const job = cluster.job(ns, id!);
        return cluster.allocationsOf(job.spec.ID).map((a) => allocationStubView(cluster, a, ns));
      },
    },
    {
      method: 'GET',
      pattern: /^\/v1\/job\/([^/]+)\/scale$/,
      read: true,
      capability: 'read-job',
      handle: ([id], ns) => scaleStatusView(cluster, cluster.job(ns, id!)),
    },
    {
      method: 'POST',
      pattern: /^\/v1\/job\/([^/]+)\/scale$/,
      read: false,
      capability: 'scale-job',
      handle: async ([id], ns, req) => {
        const body = await readBody(req, ScaleRequestSchema);
        const fault = faults.scale;
        faults.scale = null;
        const result = await withFault(fault, () =>
          cluster.scale(ns, id!, {
            count: body.Count ?? null,
            group: body.Target.Group,
            message: body.Message ?? '',
            error: body.Error === true || (typeof body.Error === 'string' && body.Error !== ''),
            meta: body.Meta ?? null,
            enforceIndex: body.EnforceIndex === true,
            jobModifyIndex: body.JobModifyIndex,
          }),
        );
        return writeResponse(result);
      },
    },
    {
      method: 'POST',
      pattern: /^\/v1\/job\/([^/]+)$/,
      read: false,
      capability: 'submit-job',
      handle: async ([id], ns, req) => {
        const { Job, EnforceIndex, JobModifyIndex } = await readBody(req, RegisterBodySchema);
        if (Job.ID !== id) throw new NomadError(400, 'Job ID does not match name');
        if (Job.Namespace !== ns) throw new NomadError(400, 'Job namespace does not match request namespace');
        const fault = faults.register;
        faults.register = null;
        const result = await withFault(fault, () =>
          cluster.registerVersion(Job, { enforceIndex: EnforceIndex === true, jobModifyIndex: JobModifyIndex ?? 0 }),
        );
        return writeResponse(result);
      },
    },
    {
      method: 'GET',
      pattern: /^\/v1\/job\/([^/]+)\/deployment$/,
      read: true,
      capability: 'read-job',
      handle: ([id], ns) => {
        const job = cluster.job(ns, id!);
        const latest = cluster.latestDeployment(job.spec.ID);
        return latest ? deploymentView(cluster, latest) : null;
      },
    },
    {
      method: 'GET',
      pattern: /^\/v1\/deployment\/([^/]+)$/,
      read: true,
      capability: 'read-job',
      handle: ([id], ns) => {
        const d = cluster.deployments.get(id!);
        if (!d || d.namespace !== ns) throw new NomadError(404, 'deployment not found');
        return deploymentView(cluster, d);
      },
    },
    {
      method: 'GET',
      pattern: /^\/v1\/evaluation\/([^/]+)$/,
      read: true,
      capability: 'read-job',
      handle: ([id]) => {
        const evaluation = cluster.evaluations.get(id!);
        if (!evaluation) throw new NomadError(404, 'eval not found');
        return evaluationView(evaluation);
      },
    },
  ];

  return http.createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://nomad');
    const method = req.method === 'PUT' ? 'POST' : (req.method ?? 'GET');
    const send = (status: number, body: unknown) => {
      res.statusCode = status;
      res.setHeader('X-Nomad-Index', String(cluster.index));
      res.setHeader('X-Nomad-KnownLeader', 'true');
      res.setHeader('X-Nomad-LastContact', '0');
      if (typeof body === 'string' && status >= 400) {
        res.setHeader('content-type', 'text/plain; charset=utf-8');
        res.end(body);
      } else {
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify(body));
      }
    };
    try {
      const pathname = url.pathname.replace(/\/+$/, '');
      if (pathname === '/v1/event/stream' && method === 'GET') {
        const namespace = url.searchParams.get('namespace') || 'default';
        authorise(req, namespace, 'read-job');
        return streamEvents(cluster, url, namespace, req, res);
      }
      if (pathname === '/_standin/faults' && method === 'POST') {
        authorise(req, 'default', 'submit-job');
        type Asked = { delayMs?: unknown; apply?: unknown; late?: unknown } | undefined;
        const asked = (await readJson(req)) as { scale?: Asked; register?: Asked };
        const faultOf = (a: Asked): StandinFault | null => {
          const delayMs = Number(a?.delayMs);
          return a && Number.isFinite(delayMs) && delayMs >= 0
            ? { delayMs: Math.min(delayMs, 60_000), apply: a.apply !== false, late: a.late === true }
            : null;
        };
        faults.scale = faultOf(asked.scale);
        faults.register = faultOf(asked.register);
        return send(200, faults);
      }
      const matches = routes.filter((r) => r.pattern.test(pathname));
      if (matches.length === 0) throw new NomadError(404, 'Invalid URL path');
      const route = matches.find((r) => r.method === method);
      if (!route) throw new NomadError(405, 'Invalid method');
      const namespace = url.searchParams.get('namespace') || 'default';
      if (route.capability) authorise(req, namespace, route.capability);
      const groups = (route.pattern.exec(pathname) ?? []).slice(1).map((g) => decodeURIComponent(g));
      const index = Number(url.searchParams.get('index') ?? '0');
      if (route.read && index > 0) await blockUntil(cluster, index, parseWait(url.searchParams.get('wait')));
      send(200, await route.handle(groups, namespace, req, url, res));
    } catch (err) {
      if (err instanceof NomadError) return send(err.status, err.message);
      send(500, (err as Error).message);
    }
  });
}

/**
 * GET /v1/event/stream as Nomad serves it: newline-delimited JSON, one `{"Index", "Events"}` line
 * per index, `{}` as a heartbeat every 10 s; `topic=Topic:Key` filters (`*` for any; repeated),
 * `index=N` first replays what the buffer holds after N; `namespace` (or `*`) narrows.
 */
function streamEvents(
  cluster: Cluster,
  url: URL,
  namespace: string,
  req: http.IncomingMessage,
  res: http.ServerResponse,
): void {
  const filters = url.searchParams.getAll('topic').map((t) => {
    const [topic, key = '*'] = t.split(':');
    return { topic: topic || '*', key };
  });
  const wanted = (e: StreamEvent) =>
    (namespace === '*' || e.Namespace === namespace) &&
    (filters.length === 0 ||
      filters.some(
        (f) =>
          (f.topic === '*' || f.topic === e.Topic) &&
          (f.key === '*' || f.key === e.Key || e.FilterKeys.includes(f.key)),
      ));
  res.statusCode = 200;
  res.setHeader('content-type', 'application/json');
  res.setHeader('X-Nomad-Index', String(cluster.index));
  const write = (events: StreamEvent[]) => {
    const byIndex = new Map<number, StreamEvent[]>();
    for (const e of events.filter(wanted)) byIndex.set(e.Index, [...(byIndex.get(e.Index) ?? []), e]);
    for (const [index, list] of byIndex) res.write(`${JSON.stringify({ Index: index, Events: list })}\n`);
  };
  const from = Number(url.searchParams.get('index') ?? '0');
  if (from > 0) write(cluster.events.filter((e) => e.Index > from));
  const onEvent = (e: StreamEvent) => write([e]);
  cluster.on('event', onEvent);
  const heartbeat = setInterval(() => res.write('{}\n'), 10_000);
  const end = () => {
    clearInterval(heartbeat);
    cluster.off('event', onEvent);
  };
  req.on('close', end);
  res.on('close', end);
}
