import { z } from 'zod';
import { IncidentIdParams, incidentLink } from '@/lib/contracts/incident';
import { actionFail } from '@/lib/contracts/result';
import { postmortemMarkdown } from '@/lib/incidents/postmortem';
import { loadIncident } from '@/lib/incidents/queries';
import { route } from '@/lib/root/gate';

export const dynamic = 'force-dynamic';

const Query = z.object({ download: z.enum(['0', '1']).optional() });

/** The postmortem draft as Markdown (?download=1 saves it as a file). */
export const GET = route(
  { name: 'writing the postmortem', access: 'read', params: IncidentIdParams, query: Query },
  async ({ app, params, query, request }) => {
    const detail = await loadIncident(await app.incidentDeps(), params.id);
    if (!detail) return actionFail('not_found', `no incident #${params.id}`);
    const url = new URL(request.url);
    // Links use the host the reader used (request.url carries the server's own bind name).
    const origin = `${url.protocol}//${request.headers.get('host') ?? url.host}`;
    const markdown = postmortemMarkdown({
      ...detail,
      momentUrl: (at) => `${origin}${incidentLink(params.id, at)}`,
      incidentUrl: `${origin}${incidentLink(params.id)}`,
      nowIso: new Date().toISOString(),
    });
    const headers: Record<string, string> = {
      'content-type': 'text/markdown; charset=utf-8',
      'cache-control': 'no-store',
    };
    if (query.download === '1')
      headers['content-disposition'] = `attachment; filename="incident-${params.id}-postmortem.md"`;
    return new Response(markdown, { headers });
  },
);
