import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  dashboardUrl,
  stackLayout,
  stackSecrets,
  startDashboard,
  startPostgres,
  startRabbit,
  stopDashboard,
  stopPostgres,
  stopRabbit,
} from '../../scripts/stack';
import { dashboardProcess, demoUsers } from '../../scripts/stack/dashboard';
import { readPid } from '../../scripts/stack/processes';
import { nomadFetch, resetPipeline, waitFor } from '../../scripts/testing/demo-client';
import { repeatedStates } from '../../scripts/testing/timeline-checks';
import type { Snapshot } from '../contracts/snapshot';

/**
 * Two dashboard processes (the standalone build, as deployed) on the stack's real PostgreSQL:
 * one leads, both serve the same live topology, a change made through one reaches the other's
 * open stream within a second; the leader killed with SIGKILL is replaced within two poll
 * intervals; RabbitMQ and PostgreSQL restarted under them leave both pages up and live, the broker
 * marked stale, and everything back unaided.
 */
const layout = stackLayout('test');
const pollMs = 5000;
const urls = [dashboardUrl(layout, 1), dashboardUrl(layout, 2)];
const startedAt = Date.now();

beforeAll(async () => {
  await resetPipeline(layout);
  await stopDashboard(layout);
  await startDashboard(layout, { replicas: 2, database: 'postgres' });
}, 240_000);
afterAll(async () => {
  await startRabbit(layout);
  await startPostgres(layout);
  await stopDashboard(layout);
  // The single PGlite dashboard the other tests expect.
  await startDashboard(layout);
  await resetPipeline(layout);
}, 240_000);

interface Health {
  role: 'leader' | 'follower' | 'alone' | null;
}
const health = async (url: string) => (await (await fetch(`${url}/api/health`)).json()) as Health;
const topologyAt = async (url: string) => {
  const res = await fetch(`${url}/api/topology`);
  expect(res.status, `${url}/api/topology`).toBe(200);
  return (await res.json()) as Snapshot;
};
const roles = async () => Promise.all(urls.map(async (u) => (await health(u).catch(() => ({ role: null }))).role));

/** The check's first truthy answer, asked every 100 ms (waitFor, which also rides out errors). */
const until = <T>(what: string, check: () => Promise<T | null | false | undefined>, timeoutMs: number) =>
  waitFor(check, Boolean, timeoutMs, what, 100) as Promise<T>;

async function signIn(url: string): Promise<string> {
  const res = await fetch(`${url}/api/auth/sign-in`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: url },
    body: JSON.stringify({ name: demoUsers.operator, password: stackSecrets(layout).users.operator }),
  });
  expect(res.status).toBe(200);
  return res.headers.get('set-cookie')!.split(';')[0]!;
}

/** The `change` events one replica's stream delivers, with when they arrived. */
function listen(url: string) {
  const controller = new AbortController();
  const heard: Array<{ data: string; ms: number }> = [];
  void (async () => {
    const res = await fetch(`${url}/api/stream?snapshots=0`, { signal: controller.signal });
    const reader = res.body!.getReader();
    const decoder = new TextDecoder();
    let buffer = '';
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      buffer += decoder.decode(value, { stream: true });
      let end: number;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const frame = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        if (frame.startsWith('event: change'))
          heard.push({
            data: frame
              .split('\n')
              .find((l) => l.startsWith('data: '))!
              .slice(6),
            ms: Date.now(),
          });
      }
    }
  })().catch(() => undefined);
  return { heard, close: () => controller.abort() };
}

describe('two dashboard replicas on PostgreSQL', () => {
  it('one leads; both serve the live topology; a change made through one reaches the other within a second', async () => {
    const rs = await until(
      'one leader and one follower',
      async () => {
        const found = await roles();
        return found.filter((x) => x === 'leader').length === 1 && found.includes('follower') ? found : null;
      },
      20_000,
    );
    const follower = urls[r(rs, 'follower')]!;
    const leader = urls[r(rs, 'leader')]!;
    // The follower's topology is the leader's, and fresh.
    await until(
      'the same fresh snapshot on both',
      async () => {
        const [l, f] = await Promise.all([topologyAt(leader), topologyAt(follower)]);
        return Date.now() - Date.parse(f.generatedAt) < 2000 && f.pipeline === l.pipeline;
      },
      10_000,
    );

    const stream = listen(leader);
    await new Promise((res) => setTimeout(res, 500));
    const cookie = await signIn(follower);
    const sentMs = Date.now();
    const opened = await fetch(`${follower}/api/incidents`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: follower, cookie },
      body: JSON.stringify({ title: 'opened on the follower', severity: 'sev3' }),
    });
    expect(opened.status).toBe(200);
    const { id } = (await opened.json()) as { id: number };
    const heard = await until(
      "the leader's stream announcing it",
      async () => stream.heard.find((h) => h.data.includes(`"incidentId":${id}`)),
      5000,
    );
    stream.close();
    expect(heard.ms - sentMs).toBeLessThan(1000);
    // Close it again (as the operator, on the leader this time).
    const closed = await fetch(`${leader}/api/incidents/${id}`, {
      method: 'PATCH',
      headers: { 'content-type': 'application/json', origin: leader, cookie },
      body: JSON.stringify({ status: 'resolved', reason: 'a replica test' }),
    });
    expect(closed.status).toBe(200);
  });

  it('a scale is one at a time per group across replicas: the same request on both scales once; two different ones, one wins', async () => {
    const cookies = await Promise.all(urls.map((u) => signIn(u)));
    const scale = (i: number, key: string, count: number) =>
      fetch(`${urls[i]}/api/actions/scale`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', origin: urls[i]!, cookie: cookies[i]! },
        body: JSON.stringify({
          job: 'api',
          group: 'reply-consumer',
          count,
          reason: 'replica test: one scale at a time',
          idempotencyKey: key,
        }),
      });
    const countNow = async () =>
      (
        (await (await nomadFetch(layout, '/v1/job/api/scale')).json()) as {
          TaskGroups: Record<string, { Desired: number }>;
        }
      ).TaskGroups['reply-consumer']!.Desired;
    const before = await countNow();
    // Two different requests for one group at once, one through each replica: the second waits
    // for the first (a lock per group on the database), then meets its cooldown.
    const key = `replica-test-${Date.now()}`;
    const two = await Promise.all([scale(0, `${key}-a`, before + 1), scale(1, `${key}-b`, before + 2)]);
    expect(two.map((r) => r.status).sort()).toEqual([200, 409]);
    const won = two.findIndex((r) => r.status === 200);
    const outcome = (await two[won]!.json()) as { auditId: number; to: number };
    expect(await countNow()).toBe(outcome.to);
    // The winner's request sent again to both replicas at once (a retry through either): the same
    // answer from both, and no second scale.
    const again = await Promise.all([0, 1].map((i) => scale(i, `${key}-${won === 0 ? 'a' : 'b'}`, outcome.to)));
    expect(again.map((r) => r.status)).toEqual([200, 200]);
    for (const r of again) expect(await r.json()).toMatchObject({ auditId: outcome.auditId, repeated: true });
    expect(await countNow()).toBe(outcome.to);
  });

  it('the leader killed (SIGKILL): the follower leads within two poll intervals; the killed one comes back a follower', async () => {
    const r0 = await roles();
    const leaderIndex = r(r0, 'leader');
    const followerUrl = urls[1 - leaderIndex]!;
    const pid = readPid(dashboardProcess(layout, leaderIndex + 1))!;
    const killedAt = Date.now();
    process.kill(pid, 'SIGKILL');
    await until('the follower leading', async () => (await health(followerUrl)).role === 'leader', 2 * pollMs);
    const fresh = await until(
      'a snapshot polled by the new leader',
      async () => {
        const s = await topologyAt(followerUrl);
        return Date.parse(s.generatedAt) > killedAt ? s : null;
      },
      2 * pollMs,
    );
    console.log(
      `takeover: ${Date.parse(fresh.generatedAt) - killedAt} ms from SIGKILL to the new leader's first snapshot`,
    );
    // Taking over is not an outage: the new leader's page never calls a healthy source down while
    // its first connections are made, and shows every source answering within one poll interval.
    const seen = new Set<string>();
    await until(
      'every source answering the new leader',
      async () => {
        const s = await topologyAt(followerUrl);
        for (const [name, source] of Object.entries(s.sources)) seen.add(`${name} ${source.status}`);
        return Object.values(s.sources).every((source) => source.status === 'ok');
      },
      pollMs,
    );
    expect([...seen].filter((x) => x.endsWith(' down'))).toEqual([]);
    await startDashboard(layout, { replicas: 2, database: 'postgres' });
    await until(
      'the restarted replica following',
      async () => {
        const r1 = await roles();
        return r1[leaderIndex] === 'follower' && r1[1 - leaderIndex] === 'leader';
      },
      60_000,
    );
  });

  it('RabbitMQ, then PostgreSQL, stopped and started: both pages stay up, the broker is marked stale on both, all recovers unaided', async () => {
    await stopRabbit(layout);
    const stoppedAt = Date.now();
    for (const url of urls)
      await until(
        `${url}: rabbitmq marked`,
        async () => (await topologyAt(url)).sources.rabbitmq.status !== 'ok',
        2 * pollMs + 2000,
      );
    const markedMs = Date.now() - stoppedAt;
    await startRabbit(layout);
    for (const url of urls)
      await until(
        `${url}: rabbitmq ok again`,
        async () => (await topologyAt(url)).sources.rabbitmq.status === 'ok',
        60_000,
      );

    await stopPostgres(layout);
    // Without the database nobody can say who leads: each process polls by itself (after a short
    // grace), so both pages stay live, and neither answers an error.
    const downAt = Date.now();
    for (const url of urls)
      await until(
        `${url}: live without the database`,
        async () => Date.parse((await topologyAt(url)).generatedAt) > downAt + 3000,
        15_000,
      );
    for (let i = 0; i < 5; i++) {
      for (const url of urls) {
        expect(Date.now() - Date.parse((await topologyAt(url)).generatedAt), url).toBeLessThan(3000);
        expect((await fetch(`${url}/`)).status, url).toBe(200);
      }
      await new Promise((res) => setTimeout(res, 300));
    }
    expect(await roles()).toEqual(['alone', 'alone']);
    await startPostgres(layout);
    await until(
      'one leader again',
      async () => ((await roles()).filter((x) => x === 'leader').length === 1 ? true : null),
      30_000,
    );
    for (const url of urls)
      await until(
        `${url}: fresh again`,
        async () => Date.now() - Date.parse((await topologyAt(url)).generatedAt) < 3000,
        30_000,
      );
    console.log(`rabbitmq marked on both pages ${markedMs} ms after it stopped`);
  });
  it('the timeline of all that says no state twice (the faults add only their own source events)', async () => {
    const leader = urls[r(await roles(), 'leader')]!;
    const cookie = await signIn(leader);
    const res = await fetch(
      `${leader}/api/timeline?from=${encodeURIComponent(new Date(startedAt).toISOString())}&limit=500`,
      { headers: { cookie } },
    );
    expect(res.status).toBe(200);
    const { events } = (await res.json()) as {
      events: Array<{ kind: string; stageId: string | null; message: string; at: string }>;
    };
    const oldestFirst = [...events].reverse();
    const story = oldestFirst.map((e) => `${e.at} ${e.kind}: ${e.message}`).join('\n');
    expect(repeatedStates(oldestFirst), story).toEqual([]);
    // The broker's outage is in it, once down and once back.
    expect(oldestFirst.filter((e) => e.kind === 'source-down' && e.message.startsWith('rabbitmq')).length, story).toBe(
      1,
    );
  });
});

function r(list: Array<string | null>, role: string): number {
  const i = list.indexOf(role);
  if (i < 0) throw new Error(`no ${role} among ${JSON.stringify(list)}`);
  return i;
}
