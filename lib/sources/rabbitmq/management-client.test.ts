import { afterEach, describe, expect, it, vi } from 'vitest';
import { createManagementClient, toQueueStats } from './management-client';

/** URL construction against a recording fetch: the real server is exercised by the integration tests. */
afterEach(() => vi.unstubAllGlobals());

function recordFetch(body: unknown) {
  const urls: string[] = [];
  vi.stubGlobal('fetch', async (url: string) => {
    urls.push(url);
    return new Response(JSON.stringify(body), { status: 200 });
  });
  return urls;
}

describe('management client', () => {
  it('pages queue listings with columns, never asking for all queues at once', async () => {
    const urls = recordFetch({ items: [], page: 1, page_count: 1, page_size: 100, total_count: 0 });
    const client = createManagementClient({ url: 'http://rabbit:15672/' });
    await client.queuePage(1, 100, { sort: 'messages_ready', reverse: true });
    await client.queuePage(3, 10_000);
    for (const url of urls) {
      const u = new URL(url);
      expect(u.pathname).toBe('/api/queues');
      expect(u.searchParams.get('page')).toMatch(/^\d+$/);
      expect(Number(u.searchParams.get('page_size'))).toBeLessThanOrEqual(500);
      expect(u.searchParams.get('columns')).toContain('messages_ready');
    }
    expect(new URL(urls[1]!).searchParams.get('page_size')).toBe('500');
  });

  it('encodes the vhost and the queue name', async () => {
    const urls = recordFetch({ name: 'a/b c', vhost: '/' });
    await createManagementClient({ url: 'http://rabbit:15672' }).queue('/', 'a/b c%');
    expect(urls[0]).toMatch(/^http:\/\/rabbit:15672\/api\/queues\/%2F\/a%2Fb%20c%25\?columns=/);
  });

  it('reads capacity from older servers and tolerates missing fields', () => {
    const now = 1_000_000;
    expect(toQueueStats({ name: 'q', vhost: '/', consumer_utilisation: 0.5 }, now)).toMatchObject({
      ready: 0,
      consumers: 0,
      consumerCapacity: 0.5,
      publishRate: null,
      headAgeMs: null,
    });
    expect(toQueueStats({ name: 'q', vhost: '/', head_message_timestamp: 990 }, now).headAgeMs).toBe(10_000);
  });
});
