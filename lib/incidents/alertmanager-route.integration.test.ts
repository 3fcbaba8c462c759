import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { POST as receive } from '@/app/api/integrations/alertmanager/route';
import { testDbs } from '../../scripts/testing/test-db';
import { scenarioObservations } from '../analysis/fixtures';
import { analyze } from '../analysis/analyze';
import { hashToken } from '../auth/password';
import type { Change } from '../contracts/change';
import type { App } from '../root/app';
import { auditLog } from '../store/audit-log';
import type { Db } from '../store/db';
import { history } from '../store/history';
import { incidents } from '../store/incidents';

/**
 * POST /api/integrations/alertmanager through the real gate and route, on PGlite and on the
 * stack's PostgreSQL: an operator's API token only; each alert on the timeline once per state
 * however often Alertmanager repeats itself; placed on its stage; a firing alert while the
 * pipeline has a bottleneck suggests an incident. The application around the route is a stand-in
 * put where `getApp()` finds it; every response is checked against its contract.
 */
process.env.WARROOM_CHECK_RESPONSES = '1';
const dbs = testDbs();
afterAll(() => dbs.dropAll());

const appKey = Symbol.for('warroom.app');
const g = globalThis as Record<symbol, unknown>;
afterEach(() => {
  delete g[appKey];
});

const operatorToken = 'alertmanager-token-0123456789';
const viewerToken = 'viewer-token-0123456789abcdef';

function standIn(db: Db, healthy: boolean) {
  const announced: Change[] = [];
  const snapshot = analyze(healthy ? scenarioObservations.steady : scenarioObservations.replyStarvation);
  const app = {
    configFile: 'test.yaml',
    config: {
      auth: {
        sessionSecret: 'session-secret-for-the-tests-0123456789',
        anonymousRead: true,
        users: [
          { name: 'alertmanager', role: 'operator', tokenHash: hashToken(operatorToken) },
          { name: 'bot', role: 'viewer', tokenHash: hashToken(viewerToken) },
        ],
      },
      pipeline: {
        stages: [
          { id: 'reply-queue', queue: { name: 'api.replies' } },
          { id: 'reply-consumers', nomad: { job: 'api', group: 'reply-consumer' } },
        ],
      },
    },
    pipeline: 'test',
    live: { snapshot: () => snapshot },
    async stores() {
      return { db, audit: auditLog(db), history: history(db), incidents: incidents(db) };
    },
    async incidentDeps() {
      return {
        pipeline: 'test',
        retentionHours: 168,
        users: ['alertmanager'],
        incidents: incidents(db),
        history: history(db),
        audit: auditLog(db),
        announce: (c: Change) => announced.push(c),
      };
    },
    redact: (text: string) => text,
  } as unknown as App;
  return { app, announced };
}

async function post(app: App, body: unknown, token: string | null = operatorToken) {
  g[appKey] = app;
  const headers = new Headers({ host: '127.0.0.1:3999', 'content-type': 'application/json' });
  if (token) headers.set('authorization', `Bearer ${token}`);
  const res = await receive(
    new Request('http://127.0.0.1:3999/api/integrations/alertmanager', {
      method: 'POST',
      headers,
      body: JSON.stringify(body),
    }),
    { params: Promise.resolve({}) },
  );
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

const alert = (status: 'firing' | 'resolved', fingerprint: string, labels: Record<string, string> = {}) => ({
  status,
  labels: { alertname: 'ReplyQueueBacklog', severity: 'critical', queue: 'api.replies', ...labels },
  annotations: { summary: 'reply queue over 500 for 2m' },
  startsAt: new Date(Date.now() - 60_000).toISOString(),
  endsAt: status === 'resolved' ? new Date().toISOString() : '0001-01-01T00:00:00Z',
  fingerprint,
});
const notification = (...alerts: Array<ReturnType<typeof alert>>) => ({
  version: '4',
  groupKey: '{}:{alertname="ReplyQueueBacklog"}',
  status: alerts.some((a) => a.status === 'firing') ? 'firing' : 'resolved',
  receiver: 'warroom',
  alerts,
});

describe.each(['pglite', 'postgres'] as const)('POST /api/integrations/alertmanager on %s', (kind) => {
  it("takes an operator's token only: none is a 401, a viewer's a 403, bad JSON a 400", async () => {
    const { db } = await dbs.open(kind);
    const { app } = standIn(db, true);
    expect((await post(app, notification(alert('firing', 'aa')), null)).status).toBe(401);
    expect((await post(app, notification(alert('firing', 'aa')), viewerToken)).status).toBe(403);
    const bad = await post(app, { version: '4', status: 'firing', alerts: [{ status: 'maybe' }] });
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ error: { code: 'invalid' } });
    expect(await history(db).events('test', new Date(0), new Date(Date.now() + 60_000))).toEqual([]);
  });

  it('says each alert once per state, on its stage, however often Alertmanager repeats it', async () => {
    const { db } = await dbs.open(kind);
    const { app, announced } = standIn(db, true);
    expect(
      (await post(app, notification(alert('firing', 'aa'), alert('firing', 'bb', { queue: 'x', job: 'api' })))).body,
    ).toEqual({
      recorded: 2,
    });
    // Alertmanager's repeat_interval: the same, again; then one resolves.
    expect(
      (await post(app, notification(alert('firing', 'aa'), alert('firing', 'bb', { queue: 'x', job: 'api' })))).body,
    ).toEqual({
      recorded: 0,
    });
    expect((await post(app, notification(alert('resolved', 'aa')))).body).toEqual({ recorded: 1 });
    expect((await post(app, notification(alert('resolved', 'aa')))).body).toEqual({ recorded: 0 });
    // A resolved alert never said firing is not news.
    expect((await post(app, notification(alert('resolved', 'cc')))).body).toEqual({ recorded: 0 });
    const events = await history(db).events('test', new Date(0), new Date(Date.now() + 60_000));
    expect(events.map((e) => [e.kind, e.stageId])).toEqual([
      ['alert-firing', 'reply-queue'],
      ['alert-firing', 'reply-consumers'],
      ['alert-resolved', 'reply-queue'],
    ]);
    expect(announced.filter((c) => c.topic === 'timeline')).toHaveLength(2);
    // The pipeline is healthy: an alert alone does not suggest an incident.
    expect(await incidents(db).active('test')).toBeNull();
  });

  it('suggests an incident when an alert fires while the pipeline has a bottleneck', async () => {
    const { db } = await dbs.open(kind);
    const { app } = standIn(db, false);
    expect((await post(app, notification(alert('firing', 'dd')))).status).toBe(200);
    expect(await incidents(db).active('test')).toMatchObject({ status: 'suggested' });
  });
});
