import type { TimelineEvent } from '../contracts/timeline';
import type { AuditRow } from '../contracts/audit';
import type { IncidentLogEntry } from '../contracts/incident';

/**
 * One timeline out of three records: what warroom saw change (derived events), what people did
 * to the pipeline (the audit log) and to the incident (its log, notes included). Pure; each entry
 * links to the moment it describes through `linkFor`.
 */
export interface TimelineEntry {
  at: string;
  kind: string;
  source: 'warroom' | 'action' | 'incident';
  stageId: string | null;
  author: string | null;
  message: string;
  link: string;
}

export function actionMessage(r: AuditRow): string {
  const outcome = r.outcome === 'succeeded' ? '' : ` (${r.outcome}${r.error ? `: ${r.error}` : ''})`;
  if (r.action === 'restore-autoscaler')
    return `warroom enabled the autoscaler policy of ${r.job}/${r.group} again${outcome}: ${r.reason}.`;
  const paused = r.action === 'scale-pausing-autoscaler' ? ', pausing its autoscaler policy,' : '';
  return `${r.actor} (${r.actorRole}) scaled ${r.job}/${r.group}${paused} ${r.from ?? '?'} -> ${r.to}${outcome}. Reason: ${r.reason}`;
}

export function logMessage(e: IncidentLogEntry): string {
  switch (e.kind) {
    case 'opened':
      return `${e.author} opened the incident${e.body ? `: ${e.body}` : '.'}`;
    case 'suggested':
      return `warroom suggested an incident. ${e.body}`.trim();
    case 'status':
      return `${e.author} set the status ${e.from ?? '?'} -> ${e.to}${e.body ? `. Reason: ${e.body}` : '.'}`;
    case 'owner':
      return e.to === e.author ? `${e.author} took charge.` : `${e.author} handed the incident to ${e.to}.`;
    case 'severity':
      return `${e.author} changed the severity ${e.from ?? '?'} -> ${e.to}${e.body ? `: ${e.body}` : '.'}`;
    case 'title':
      return `${e.author} renamed the incident: "${e.to}".`;
    case 'note':
      return `${e.author}: ${e.body}`;
  }
}

export function mergeTimeline(
  input: { events: TimelineEvent[]; actions: AuditRow[]; log?: IncidentLogEntry[] },
  linkFor: (at: string) => string,
): TimelineEntry[] {
  const entries: Array<Omit<TimelineEntry, 'link'>> = [
    ...input.events.map((e) => ({
      at: e.at,
      kind: e.kind,
      source: 'warroom' as const,
      stageId: e.stageId,
      author: null,
      message: e.message,
    })),
    ...input.actions.map((r) => ({
      at: r.createdAt,
      kind: 'action',
      source: 'action' as const,
      stageId: null,
      author: r.actor,
      message: actionMessage(r),
    })),
    ...(input.log ?? []).map((e) => ({
      at: e.at,
      kind: e.kind === 'note' ? 'note' : `incident-${e.kind}`,
      source: 'incident' as const,
      stageId: null,
      author: e.kind === 'suggested' ? null : e.author,
      message: logMessage(e),
    })),
  ];
  // Stable: equal times keep the order above (what warroom saw, then what people did).
  return entries.sort((a, b) => a.at.localeCompare(b.at)).map((e) => ({ ...e, link: linkFor(e.at) }));
}
