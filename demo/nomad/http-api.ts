import http from 'node:http';
import { timingSafeEqual } from 'node:crypto';
import { ScaleRequestSchema } from '../../lib/sources/nomad/schemas';
import { NomadError, type Cluster } from './cluster';
import { allocationStubView, evaluationView, jobListStubView, jobSummaryView, jobView, scaleStatusView } from './views';

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

export function createNomadApi(cluster: Cluster, aclToken: string | null): http.Server {
  const routes: Array<{
    method: string;
    pattern: RegExp;
    read: boolean;
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
      handle: ([id], ns) => jobView(cluster, cluster.job(ns, id!)),
    },
    {
      method: 'GET',
      pattern: /^\/v1\/job\/([^/]+)\/summary$/,
      read: true,
      handle: ([id], ns) => jobSummaryView(cluster, cluster.job(ns, id!)),
    },
    {
      method: 'GET',
      pattern: /^\/v1\/job\/([^/]+)\/allocations$/,
      read: true,
      handle: ([id], ns) => {
        const job = cluster.job(ns, id!);
        return cluster.allocationsOf(job.spec.ID).map((a) => allocationStubView(cluster, a, ns));
      },
    },
    {
      method: 'GET',
      pattern: /^\/v1\/job\/([^/]+)\/scale$/,
      read: true,
      handle: ([id], ns) => scaleStatusView(cluster, cluster.job(ns, id!)),
    },
    {
      method: 'POST',
      pattern: /^\/v1\/job\/([^/]+)\/scale$/,
      read: false,
      handle: async ([id], ns, req) => {
        const parsed = ScaleRequestSchema.safeParse(await readJson(req));
        if (!parsed.success) {
          throw new NomadError(
            400,
            `Request decode failed: ${parsed.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; ')}`,
          );
        }
        const body = parsed.data;
        const result = cluster.scale(ns, id!, {
          count: body.Count ?? null,
          group: body.Target.Group,
          message: body.Message ?? '',
          error: body.Error === true || (typeof body.Error === 'string' && body.Error !== ''),
          meta: body.Meta ?? null,
          jobModifyIndex: body.JobModifyIndex,
        });
        return {
          EvalID: result.evalId,
          EvalCreateIndex: result.evalCreateIndex,
          JobModifyIndex: result.jobModifyIndex,
          Index: result.index,
          Warnings: '',
        };
      },
    },
    {
      method: 'GET',
      pattern: /^\/v1\/evaluation\/([^/]+)$/,
      read: true,
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
      const matches = routes.filter((r) => r.pattern.test(pathname));
      if (matches.length === 0) throw new NomadError(404, 'Invalid URL path');
      const route = matches.find((r) => r.method === method);
      if (!route) throw new NomadError(405, 'Invalid method');
      if (aclToken !== null) {
        const token = tokenOf(req);
        if (token === null) throw new NomadError(403, 'Permission denied');
        if (!sameToken(token, aclToken)) throw new NomadError(403, 'ACL token not found');
      }
      const namespace = url.searchParams.get('namespace') || 'default';
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
