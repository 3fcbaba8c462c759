import { incidentLink } from '@/lib/incidents/service';
import { postmortemMarkdown } from '@/lib/incidents/postmortem';
import { readIncident } from '../../incident-id';

export const dynamic = 'force-dynamic';

/** The postmortem draft as Markdown (?download=1 saves it as a file). */
export async function GET(request: Request) {
  const { detail, response } = await readIncident(request);
  if (!detail) return response;
  const id = detail.incident.id;
  const url = new URL(request.url);
  // Links use the host the reader used (request.url carries the server's own bind name).
  const origin = `${url.protocol}//${request.headers.get('host') ?? url.host}`;
  const markdown = postmortemMarkdown({
    ...detail,
    momentUrl: (at) => `${origin}${incidentLink(id, at)}`,
    incidentUrl: `${origin}${incidentLink(id)}`,
    nowIso: new Date().toISOString(),
  });
  const headers: Record<string, string> = {
    'content-type': 'text/markdown; charset=utf-8',
    'cache-control': 'no-store',
  };
  if (url.searchParams.get('download') === '1')
    headers['content-disposition'] = `attachment; filename="incident-${id}-postmortem.md"`;
  return new Response(markdown, { headers });
}
