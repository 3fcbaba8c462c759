/**
 * Incidents: what they are, what may change, and in which order. Pure and free of dependencies
 * (the browser imports it); the routes' input schemas are in inputs.ts.
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
export const isActive = (status: IncidentStatus) =>
  status === 'suggested' || status === 'investigating' || status === 'mitigated';
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

export const statusLabel: Record<IncidentStatus, string> = {
  suggested: 'Suggested',
  investigating: 'Investigating',
  mitigated: 'Mitigated',
  resolved: 'Resolved',
  dismissed: 'Dismissed',
};
