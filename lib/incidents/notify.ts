import type { Incident, IncidentLogEntry } from '../contracts/incident';
import { metrics } from '../metrics/registry';

/**
 * Incidents announced to chat through Slack-compatible incoming webhooks (Slack, Mattermost,
 * Rocket.Chat and Discord's /slack endpoint all take `{ text }` with `<url|label>` links): a
 * suggestion, an incident opened (or a suggestion taken), an incident resolved, each with a link
 * to its moment. Sent by the process that made the change, so once; a failed delivery is tried
 * three times and then logged (redacted: the URL is the webhook's credential), never thrown.
 */
export type NoticeEvent = 'suggested' | 'opened' | 'resolved';

export function incidentNotice(
  incident: Incident,
  entry: IncidentLogEntry | undefined,
  publicUrl: string | undefined,
): { event: NoticeEvent; text: string } | null {
  if (!entry) return null;
  const link = publicUrl
    ? `<${publicUrl.replace(/\/$/, '')}/incidents/${incident.id}?at=${encodeURIComponent(entry.at)}|incident #${incident.id}>`
    : `incident #${incident.id}`;
  const what = `${incident.title} (${incident.severity})`;
  if (entry.kind === 'suggested')
    return { event: 'suggested', text: `warroom suggests ${link}: ${what}. ${entry.body}`.trim() };
  if (entry.kind === 'opened') return { event: 'opened', text: `${entry.author} opened ${link}: ${what}.` };
  if (entry.kind === 'status' && entry.to === 'investigating' && entry.from === 'suggested')
    return { event: 'opened', text: `${entry.author} took ${link}: ${what}.` };
  if (entry.kind === 'status' && entry.to === 'resolved')
    return {
      event: 'resolved',
      text: `${entry.author} resolved ${link}: ${what}.${entry.body ? ` ${entry.body}` : ''}`,
    };
  return null;
}

/**
 * The notice for the change just made to an incident: its newest log entries, the steps of one
 * update (same author, within 2 s: taking a suggestion also puts the taker in charge, logged after
 * the status), newest first, the first that is news. A note is a change of its own: never news.
 */
export function noticeFor(
  incident: Incident,
  log: IncidentLogEntry[],
  publicUrl: string | undefined,
): { event: NoticeEvent; text: string } | null {
  const last = log.at(-1);
  if (!last || last.kind === 'note') return null;
  for (let i = log.length - 1; i >= 0; i--) {
    const entry = log[i]!;
    if (entry.author !== last.author || Date.parse(last.at) - Date.parse(entry.at) > 2000 || entry.kind === 'note')
      break;
    const notice = incidentNotice(incident, entry, publicUrl);
    if (notice) return notice;
  }
  return null;
}

export interface NotifyOptions {
  webhooks: Array<{ url: string; on: NoticeEvent[] }>;
  redact: (text: string) => string;
  /** Pause between attempts (tests shorten it). */
  retryMs?: number;
}

export function createNotifier(options: NotifyOptions) {
  const retryMs = options.retryMs ?? 2000;
  async function deliver(url: string, text: string): Promise<boolean> {
    let problem = '';
    for (let attempt = 0; attempt < 3; attempt++) {
      if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, retryMs * attempt));
      try {
        const res = await fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ text }),
          signal: AbortSignal.timeout(5000),
        });
        await res.arrayBuffer().catch(() => undefined);
        if (res.ok) {
          metrics().notifications.inc({ outcome: 'sent' });
          return true;
        }
        problem = `HTTP ${res.status}`;
        // A refusal for the payload itself will not change on a retry.
        if (res.status >= 400 && res.status < 500 && res.status !== 429) break;
      } catch (err) {
        const e = err as Error & { cause?: { code?: string } };
        problem = e.cause?.code ?? e.message;
      }
    }
    metrics().notifications.inc({ outcome: 'failed' });
    console.error(options.redact(`notify: a webhook did not take the message (${problem}): ${url}`));
    return false;
  }
  return {
    /** Sends the notice to every webhook that wants its event; resolves when all have answered. */
    async send(notice: { event: NoticeEvent; text: string } | null): Promise<number> {
      if (!notice) return 0;
      const targets = options.webhooks.filter((w) => w.on.includes(notice.event));
      const sent = await Promise.all(targets.map((w) => deliver(w.url, notice.text)));
      return sent.filter(Boolean).length;
    },
  };
}
export type Notifier = ReturnType<typeof createNotifier>;
