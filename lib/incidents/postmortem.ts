import { formatSpan } from '../format/numbers';
import type { Snapshot } from '../contracts/snapshot';
import type { AuditRow } from '../contracts/audit';
import type { Incident } from '../contracts/incident';
import { statusLabel } from '../contracts/incident';
import type { TimelineEntry } from '../contracts/timeline';

/**
 * A postmortem draft in Markdown, from what warroom recorded: summary, impact, the bottleneck at
 * its worst with its reason and numbers, the actions with their reasons, the timeline, the notes,
 * and links back to each moment. Pure: the route gathers the inputs. People edit the draft; the
 * follow-ups are prompts, not conclusions.
 */
export interface PostmortemInput {
  incident: Incident;
  timeline: TimelineEntry[];
  actions: AuditRow[];
  worst: { at: string; snapshot: Snapshot } | null;
  /** The highest end-to-end latency of the window. */
  peak: { at: string; pMs: number; sloMs: number; quantile: number } | null;
  /** Absolute link to a moment of this incident. */
  momentUrl: (at: string) => string;
  incidentUrl: string;
  nowIso: string;
}

const time = (iso: string) => `${iso.slice(11, 19)}`;
const dateTime = (iso: string) => `${iso.slice(0, 10)} ${iso.slice(11, 19)} UTC`;
const escape = (text: string) => text.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');

/** The SLO breaches in the timeline as [began, ended or null]. */
export function breachSpans(timeline: TimelineEntry[]): Array<{ from: string; to: string | null }> {
  const spans: Array<{ from: string; to: string | null }> = [];
  for (const e of timeline) {
    if (e.kind === 'slo-breach-began') spans.push({ from: e.at, to: null });
    else if (e.kind === 'slo-breach-ended' && spans.length > 0 && spans.at(-1)!.to === null) spans.at(-1)!.to = e.at;
  }
  return spans;
}

export function postmortemMarkdown(input: PostmortemInput): string {
  const { incident, timeline, actions, worst, peak, momentUrl } = input;
  const end = incident.endedAt ?? input.nowIso;
  const lines: string[] = [];
  const stageLabel = (s: Snapshot, id: string) => s.stages.find((st) => st.id === id)?.label ?? id;

  lines.push(`# Postmortem draft: ${incident.title}`, '');
  lines.push(
    `- Incident: [#${incident.id}](${input.incidentUrl}), ${incident.severity}, ${statusLabel[incident.status].toLowerCase()}`,
  );
  lines.push(`- Pipeline: ${incident.pipeline}`);
  lines.push(`- Started: ${dateTime(incident.startedAt)}`);
  lines.push(
    `- ${incident.endedAt ? 'Ended' : 'Still open at'}: ${dateTime(end)} (${formatSpan(Date.parse(end) - Date.parse(incident.startedAt))})`,
  );
  lines.push(`- In charge: ${incident.owner ?? 'nobody took charge'}; opened by ${incident.openedBy}`);
  lines.push('');

  lines.push('## Summary', '');
  const succeeded = actions.filter((a) => a.outcome === 'succeeded');
  const summary: string[] = [];
  if (worst?.snapshot.bottleneck) {
    const b = worst.snapshot.bottleneck;
    summary.push(
      `The time piled up at **${stageLabel(worst.snapshot, b.stageId)}**${b.queueStageId ? ` (${stageLabel(worst.snapshot, b.queueStageId)})` : ''}.`,
    );
  } else {
    summary.push('warroom recorded no bottleneck in this window.');
  }
  if (succeeded.length > 0) {
    summary.push(
      `${succeeded.length === 1 ? 'One action' : `${succeeded.length} actions`} changed the pipeline: ${succeeded.map((a) => `${a.job}/${a.group} ${a.from ?? '?'} -> ${a.to} by ${a.actor}`).join('; ')}.`,
    );
  } else {
    summary.push('No scale action was taken through warroom.');
  }
  const recovered = timeline.filter((e) => e.kind === 'slo-breach-ended' || e.kind === 'bottleneck-cleared').at(-1);
  if (recovered)
    summary.push(`The pipeline was healthy again at ${time(recovered.at)} UTC ([moment](${momentUrl(recovered.at)})).`);
  lines.push(summary.join(' '), '');

  lines.push('## Impact', '');
  const spans = breachSpans(timeline);
  if (peak) {
    const q = Math.round(peak.quantile * 100);
    lines.push(
      `- Worst end-to-end p${q}: ${(peak.pMs / 1000).toFixed(1)} s at ${time(peak.at)} UTC against an SLO of ${peak.sloMs / 1000} s ([moment](${momentUrl(peak.at)})).`,
    );
  }
  if (spans.length === 0) lines.push('- No SLO breach was recorded in this window.');
  for (const s of spans) {
    lines.push(
      `- SLO breached from ${time(s.from)} to ${s.to ? `${time(s.to)} UTC (${formatSpan(Date.parse(s.to) - Date.parse(s.from))})` : 'the end of the window (still breached)'}.`,
    );
  }
  lines.push('');

  lines.push('## The bottleneck at its worst', '');
  if (worst?.snapshot.bottleneck) {
    const b = worst.snapshot.bottleneck;
    lines.push(`At ${time(worst.at)} UTC, warroom said:`, '', `> ${b.reason}`, '');
    if (b.recommendation) {
      const r = b.recommendation;
      lines.push(
        `warroom recommended then: scale ${r.job}/${r.group} from ${r.from} to ${r.to}${r.drainSeconds !== undefined ? ` (backlog drained in about ${r.drainSeconds} s)` : ''}.`,
        '',
      );
    }
    lines.push(`[Open the topology at ${time(worst.at)} UTC](${momentUrl(worst.at)})`, '');
  } else {
    lines.push('None recorded.', '');
  }

  lines.push('## Actions', '');
  if (actions.length === 0) lines.push('None through warroom.');
  for (const a of actions) {
    lines.push(
      `- ${time(a.createdAt)} UTC, ${a.actor} (${a.actorRole}): scale ${a.job}/${a.group} ${a.from ?? '?'} -> ${a.to}, ${a.outcome}${a.error ? ` (${escape(a.error)})` : ''}${a.cooldownOverride ? ', cooldown overridden' : ''}. Reason: "${escape(a.reason)}" ([moment](${momentUrl(a.createdAt)}))`,
    );
  }
  lines.push('');

  lines.push('## Timeline (UTC)', '');
  lines.push('| Time | Event | Moment |', '| --- | --- | --- |');
  for (const e of timeline) lines.push(`| ${time(e.at)} | ${escape(e.message)} | [open](${momentUrl(e.at)}) |`);
  lines.push('');

  const notes = timeline.filter((e) => e.kind === 'note');
  lines.push('## Notes', '');
  if (notes.length === 0) lines.push('None.');
  for (const n of notes) lines.push(`- ${time(n.at)} UTC ${escape(n.message)}`);
  lines.push('');

  lines.push('## Follow-ups (to decide)', '');
  if (worst?.snapshot.bottleneck?.queueStageId) {
    lines.push(
      `- [ ] Alert on ${stageLabel(worst.snapshot, worst.snapshot.bottleneck.queueStageId)}: depth and consumer count, before latency shows it.`,
    );
  }
  if (succeeded.length > 0)
    lines.push('- [ ] Make the new worker counts permanent in the job specification, or autoscale on the queue.');
  lines.push('- [ ] What made it slow to find, and what would have shown it sooner?');
  lines.push('');
  lines.push(`_Draft generated by warroom at ${dateTime(input.nowIso)} from its recorded history._`);
  return `${lines.join('\n')}\n`;
}
