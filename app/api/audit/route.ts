import { AuditFilter, AuditList } from '@/lib/contracts/audit';
import { actionOk } from '@/lib/contracts/result';
import { route } from '@/lib/root/gate';

export const dynamic = 'force-dynamic';

/** Every action, newest first, with filters (?actor=&job=&group=&outcome=&limit=). */
export const GET = route(
  { name: 'reading the audit log', access: 'viewer', query: AuditFilter, response: AuditList },
  async ({ app, query }) => actionOk({ entries: await (await app.stores()).audit.list(query) }),
);
