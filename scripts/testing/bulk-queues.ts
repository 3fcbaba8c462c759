import amqp from 'amqplib';
import { rabbitManagementUrl, stackSecrets, type StackLayout } from '../stack';

/**
 * A broker with thousands of idle queues, as large installations have: made in a vhost of their
 * own so one DELETE removes them all. Used by the scale test and the benchmark.
 */
export const bulkVhost = 'warroom-bulk';

function managementFetch(layout: StackLayout, path: string, init: RequestInit = {}) {
  const s = stackSecrets(layout);
  return fetch(`${rabbitManagementUrl(layout)}${path}`, {
    ...init,
    headers: {
      authorization: `Basic ${Buffer.from(`${s.rabbitUser}:${s.rabbitPassword}`).toString('base64')}`,
      'content-type': 'application/json',
    },
  });
}

export async function createBulkQueues(layout: StackLayout, count: number): Promise<void> {
  const s = stackSecrets(layout);
  const vhost = encodeURIComponent(bulkVhost);
  let res = await managementFetch(layout, `/api/vhosts/${vhost}`, { method: 'PUT', body: '{}' });
  if (!res.ok) throw new Error(`create vhost: ${res.status}`);
  res = await managementFetch(layout, `/api/permissions/${vhost}/${s.rabbitUser}`, {
    method: 'PUT',
    body: JSON.stringify({ configure: '.*', write: '.*', read: '.*' }),
  });
  if (!res.ok) throw new Error(`permissions: ${res.status}`);
  const connection = await amqp.connect({
    hostname: '127.0.0.1',
    port: layout.ports.amqp,
    username: s.rabbitUser,
    password: s.rabbitPassword,
    vhost: bulkVhost,
  });
  const channel = await connection.createChannel();
  for (let start = 0; start < count; start += 500) {
    const batch = Array.from({ length: Math.min(500, count - start) }, (_, i) =>
      channel.assertQueue(`bulk.${String(start + i).padStart(5, '0')}`, { durable: false }),
    );
    await Promise.all(batch);
  }
  await connection.close();
}

export async function deleteBulkQueues(layout: StackLayout): Promise<void> {
  await managementFetch(layout, `/api/vhosts/${encodeURIComponent(bulkVhost)}`, { method: 'DELETE' });
}
