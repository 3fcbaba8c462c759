/**
 * The rules of an incident's life that the browser needs too (its severities and statuses, which
 * moves are allowed, how a status reads), without zod: the incident contract builds its schemas
 * from these lists, and the pages import them from here so that zod stays out of the first load.
 */
export const severities = ['sev1', 'sev2', 'sev3'] as const;
export const statuses = ['suggested', 'investigating', 'mitigated', 'resolved', 'dismissed'] as const;

export type Severity = (typeof severities)[number];
export type IncidentStatus = (typeof statuses)[number];

/** Still needs attention: shown on every page, and blocks a second suggestion. */
export const isActive = (status: IncidentStatus) =>
  status === 'suggested' || status === 'investigating' || status === 'mitigated';
export const isClosed = (status: IncidentStatus) => status === 'resolved' || status === 'dismissed';

/** Allowed moves. A resolved incident may be reopened; a dismissed suggestion may be taken after all. */
const transitions: Record<IncidentStatus, readonly IncidentStatus[]> = {
  suggested: ['investigating', 'dismissed'],
  investigating: ['mitigated', 'resolved'],
  mitigated: ['investigating', 'resolved'],
  resolved: ['investigating'],
  dismissed: ['investigating'],
};

export function canMove(from: IncidentStatus, to: IncidentStatus): boolean {
  return transitions[from].includes(to);
}

/** A copy, so that a caller changing the list cannot change the rules. */
export function allowedMoves(from: IncidentStatus): IncidentStatus[] {
  return [...transitions[from]];
}

export const statusLabel: Record<IncidentStatus, string> = {
  suggested: 'Suggested',
  investigating: 'Investigating',
  mitigated: 'Mitigated',
  resolved: 'Resolved',
  dismissed: 'Dismissed',
};

/** The incident page, optionally at a moment of its timeline. */
export const incidentLink = (id: number, at?: string) => `/incidents/${id}${at ? `?at=${encodeURIComponent(at)}` : ''}`;
