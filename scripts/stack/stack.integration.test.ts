import { describe, expect, it } from 'vitest';
import pg from 'pg';
import { postgresUrl, prometheusUrl, rabbitManagementUrl, stackLayout, stackSecrets, startStack } from '.';
import { readPid } from './processes';
import { postgresProcess } from './postgres';
import { prometheusProcess } from './prometheus';
import { rabbitProcesses } from './rabbitmq';
import { promScalar, waitFor } from '../testing/demo-client';

const layout = stackLayout('test');

describe('local stack', () => {
  it('runs RabbitMQ with the management API behind our own credentials', async () => {
    const s = stackSecrets(layout);
    const auth = `Basic ${Buffer.from(`${s.rabbitUser}:${s.rabbitPassword}`).toString('base64')}`;
    const overview = await fetch(`${rabbitManagementUrl(layout)}/api/overview`, { headers: { authorization: auth } });
    expect(overview.status).toBe(200);
    expect(((await overview.json()) as { node: string }).node).toBe('warroom-test@localhost');
    const guest = await fetch(`${rabbitManagementUrl(layout)}/api/overview`, {
      headers: { authorization: `Basic ${Buffer.from('guest:guest').toString('base64')}` },
    });
    expect(guest.status).toBe(401);
  });

  it('runs Prometheus, scraping the broker and the demo processes', async () => {
    expect((await fetch(`${prometheusUrl(layout)}/-/ready`)).status).toBe(200);
    await waitFor(
      () => promScalar(layout, 'sum(up{job="rabbitmq"})'),
      (v) => v === 1,
      30_000,
      'the broker target to be up',
    );
    await waitFor(
      () => promScalar(layout, 'count(up{job="demo", service="ml-worker"} == 1)'),
      (v) => v === 10,
      30_000,
      'all 10 ML workers to be scraped',
    );
  });

  it('runs PostgreSQL with password authentication on loopback', async () => {
    const client = new pg.Client({ connectionString: postgresUrl(layout) });
    await client.connect();
    const { rows } = await client.query<{ db: string }>('select current_database() as db');
    expect(rows[0]?.db).toBe('warroom');
    await client.end();
    const wrong = new pg.Client({
      connectionString: postgresUrl(layout).replace(stackSecrets(layout).postgresPassword, 'wrong'),
    });
    await expect(wrong.connect()).rejects.toThrow(/password authentication failed/);
  });

  it('reuses running servers on a second start instead of starting new ones', async () => {
    const procs = [rabbitProcesses(layout).rabbit, prometheusProcess(layout), postgresProcess(layout)];
    const before = procs.map(readPid);
    await startStack('test', { postgres: true });
    expect(procs.map(readPid)).toEqual(before);
  });
});
