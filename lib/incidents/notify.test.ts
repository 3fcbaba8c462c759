import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Incident, IncidentLogEntry } from '../contracts/incident';
import { redactorFor } from '../format/redact';
import { createNotifier, noticeFor } from './notify';

/**
 * Incident notices for chat webhooks: which changes are news, the Slack-compatible payload with a
 * link to the moment, retries on a failing receiver, and the webhook's URL (its credential) never
 * in a log line. The receiver is a real HTTP server on loopback.
 */
const incident: Incident = {
  id: 7,
  pipeline: 'demo-kyc',
  title: 'API reply consumers bottleneck',
  severity: 'sev2',
  status: 'suggested',
  startedAt: '2026-11-23T10:00:00.000Z',
  endedAt: null,
  owner: null,
  openedBy: 'warroom',
  createdAt: '2026-11-23T10:00:00.000Z',
  updatedAt: '2026-11-23T10:00:00.000Z',
};
let next = 1;
const entry = (kind: IncidentLogEntry['kind'], extra: Partial<IncidentLogEntry> = {}): IncidentLogEntry => ({
  id: next++,
  incidentId: 7,
  at: '2026-11-23T10:00:00.000Z',
  author: 'olivia',
  authorRole: 'operator',
  kind,
  from: null,
  to: null,
  body: '',
  ...extra,
});
const url = 'https://warroom.example';

describe('which incident changes are news', () => {
  it('a suggestion, an incident opened or taken, and one resolved; nothing else', () => {
    const suggested = entry('suggested', { author: 'warroom', body: 'Bottleneck: Reply queue.' });
    expect(noticeFor(incident, [suggested], url)).toEqual({
      event: 'suggested',
      text: `warroom suggests <${url}/incidents/7?at=2026-11-23T10%3A00%3A00.000Z|incident #7>: API reply consumers bottleneck (sev2). Bottleneck: Reply queue.`,
    });
    // Taking a suggestion logs the status, then the owner: the status is the news.
    const taken = [
      suggested,
      entry('status', { from: 'suggested', to: 'investigating', at: '2026-11-23T10:02:00.000Z' }),
      entry('owner', { to: 'olivia', at: '2026-11-23T10:02:00.001Z' }),
    ];
    expect(noticeFor(incident, taken, url)).toMatchObject({
      event: 'opened',
      text: expect.stringMatching(/^olivia took <https/),
    });
    expect(noticeFor(incident, [entry('opened')], undefined)).toEqual({
      event: 'opened',
      text: 'olivia opened incident #7: API reply consumers bottleneck (sev2).',
    });
    const resolved = entry('status', { from: 'mitigated', to: 'resolved', body: '30 consumers hold it' });
    expect(noticeFor(incident, [resolved], undefined)?.text).toBe(
      'olivia resolved incident #7: API reply consumers bottleneck (sev2). 30 consumers hold it',
    );
    // A note, a title or a severity change, a status other than these: not news.
    expect(
      noticeFor(incident, [...taken, entry('note', { at: '2026-11-23T10:02:00.500Z', body: 'looking' })], url),
    ).toBeNull();
    expect(noticeFor(incident, [entry('severity', { from: 'sev3', to: 'sev2' })], url)).toBeNull();
    expect(noticeFor(incident, [entry('status', { from: 'investigating', to: 'mitigated' })], url)).toBeNull();
    expect(noticeFor(incident, [], url)).toBeNull();
  });
});

describe('delivery', () => {
  let server: http.Server | null = null;
  afterEach(async () => {
    vi.restoreAllMocks();
    if (server) await new Promise((resolve) => server!.close(resolve));
    server = null;
  });

  async function receiver(statuses: number[]) {
    const bodies: unknown[] = [];
    server = http.createServer((req, res) => {
      let raw = '';
      req.on('data', (c) => (raw += c));
      req.on('end', () => {
        bodies.push({ type: req.headers['content-type'], body: JSON.parse(raw) });
        res.statusCode = statuses.shift() ?? 200;
        res.end('ok');
      });
    });
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    return { bodies, base: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
  }

  it('posts {text} to each webhook that wants the event, retrying a receiver that fails', async () => {
    const { bodies, base } = await receiver([503, 200, 200]);
    const notifier = createNotifier({
      webhooks: [
        { url: `${base}/hooks/all-secret-path`, on: ['suggested', 'opened', 'resolved'] },
        { url: `${base}/hooks/resolved-only`, on: ['resolved'] },
      ],
      redact: (t) => t,
      retryMs: 10,
    });
    expect(await notifier.send({ event: 'opened', text: 'olivia opened incident #7' })).toBe(1);
    expect(bodies).toEqual([
      { type: 'application/json', body: { text: 'olivia opened incident #7' } },
      { type: 'application/json', body: { text: 'olivia opened incident #7' } },
    ]);
    expect(await notifier.send({ event: 'resolved', text: 'resolved' })).toBe(2);
    expect(await notifier.send(null)).toBe(0);
  });

  it('gives up after three attempts and logs it without the URL, which is the credential', async () => {
    const { bodies, base } = await receiver([500, 500, 500]);
    const hook = `${base}/services/T000/B000/very-secret-token`;
    const logged: string[] = [];
    vi.spyOn(console, 'error').mockImplementation((line: string) => void logged.push(line));
    const notifier = createNotifier({
      webhooks: [{ url: hook, on: ['suggested'] }],
      redact: redactorFor([hook, '/services/T000/B000/very-secret-token']),
      retryMs: 10,
    });
    expect(await notifier.send({ event: 'suggested', text: 'x' })).toBe(0);
    expect(bodies).toHaveLength(3);
    expect(logged.join('\n')).toContain('HTTP 500');
    expect(logged.join('\n')).not.toContain('very-secret-token');
  });
});
