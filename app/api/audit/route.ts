import { z } from 'zod';
import { guarded } from '@/lib/actions/guard';
import { actionOk } from '@/lib/actions/result';
import { auditLog } from '@/lib/store/audit-log';
import { getDb } from '@/lib/store';

export const dynamic = 'force-dynamic';

const Filter = z.object({
  actor: z.string().max(64).optional(),
  job: z.string().max(200).optional(),
  group: z.string().max(200).optional(),
  outcome: z.enum(['pending', 'succeeded', 'failed', 'refused']).optional(),
  limit: z.coerce.number().int().min(1).max(500).optional(),
});

/** Every action, newest first, with filters (?actor=&job=&group=&outcome=&limit=). */
export const GET = guarded({ action: 'reading the audit log', role: 'viewer' }, async (_ctx, _input, request) => {
  const params = Object.fromEntries(new URL(request.url).searchParams);
  const filter = Filter.safeParse(params);
  const rows = await auditLog(await getDb()).list(filter.success ? filter.data : {});
  return actionOk({ entries: rows });
});
