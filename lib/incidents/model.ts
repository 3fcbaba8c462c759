import { z } from 'zod';

/**
 * Incidents: what they are, what may change, and in which order. Pure; the store persists it and
 * the routes validate their bodies with the schemas below.
 */
export const severities = ['sev1', 'sev2', 'sev3'] as const;
export const statuses = ['suggested', 'investigating', 'mitigated', 'resolved', 'dismissed'] as const;
export type Severity = (typeof severities)[number];
export type IncidentStatus = (typeof statuses)[number];

export interface Incident {
  id: number;
  pipeline: string;
  title: string;
  severity: Severity;
  status: IncidentStatus;
  startedAt: string;
  endedAt: string | null;
  owner: string | null;
  openedBy: string;
  createdAt: string;
  updatedAt: string;
}

export type IncidentLogKind = 'opened' | 'suggested' | 'status' | 'owner' | 'severity' | 'title' | 'note';

export interface IncidentLogEntry {
  id: number;
  incidentId: number;
  at: string;
  author: string;
  authorRole: string;
  kind: IncidentLogKind;
  from: string | null;
  to: string | null;
  body: string;
}

/** Still needs attention: shown on every page, and blocks a second suggestion. */
export const isActive = (status: IncidentStatus) => status === 'suggested' || status === 'investigating' || status === 'mitigated';
export const isClosed = (status: IncidentStatus) => status === 'resolved' || status === 'dismissed';

/** Allowed moves. A resolved incident may be reopened; a dismissed suggestion may be taken after all. */
const transitions: Record<IncidentStatus, IncidentStatus[]> = {
  suggested: ['investigating', 'dismissed'],
  investigating: ['mitigated', 'resolved'],
  mitigated: ['investigating', 'resolved'],
  resolved: ['investigating'],
  dismissed: ['investigating'],
};

export function canMove(from: IncidentStatus, to: IncidentStatus): boolean {
  return transitions[from].includes(to);
}

export function allowedMoves(from: IncidentStatus): IncidentStatus[] {
  return transitions[from];
}

const text = (max: number) => z.string().trim().min(1, 'must not be empty').max(max, `at most ${max} characters`);

export const OpenIncidentInput = z
  .object({
    title: text(200),
    severity: z.enum(severities),
    /** When it began, if earlier than now (for example when the bottleneck appeared). */
    startedAt: z.iso.datetime({ offset: true }).optional(),
    note: z.string().trim().max(5000, 'at most 5000 characters').optional(),
  })
  .strict();
export type OpenIncidentInput = z.infer<typeof OpenIncidentInput>;

export const UpdateIncidentInput = z
  .object({
    status: z.enum(statuses).optional(),
    severity: z.enum(severities).optional(),
    title: text(200).optional(),
    /** Take charge (your own name) or hand over to another configured user. */
    owner: z.string().trim().min(1).max(64).optional(),
    /** Why: required for a status change, kept on the timeline and in the postmortem. */
    reason: z.string().trim().max(2000, 'at most 2000 characters').optional(),
  })
  .strict()
  .refine((v) => v.status !== undefined || v.severity !== undefined || v.title !== undefined || v.owner !== undefined, { message: 'nothing to change: give status, severity, title or owner' })
  .refine((v) => v.status === undefined || (v.reason !== undefined && v.reason.length >= 3), { message: 'a status change needs a reason (at least 3 characters)', path: ['reason'] });
export type UpdateIncidentInput = z.infer<typeof UpdateIncidentInput>;

export const NoteInput = z.object({ body: text(5000) }).strict();

export const statusLabel: Record<IncidentStatus, string> = {
  suggested: 'Suggested',
  investigating: 'Investigating',
  mitigated: 'Mitigated',
  resolved: 'Resolved',
  dismissed: 'Dismissed',
};
