import type { Change } from '../contracts/change';
import type { AuditLog } from '../store/audit-log';
import type { History } from '../store/history';
import type { Author, Incidents } from '../store/incidents';

/** What the incident commands and queries work with, handed to them by the composition root. */
export interface IncidentDeps {
  pipeline: string;
  retentionHours: number;
  /** The configured users' names: who may be put in charge. */
  users: string[];
  incidents: Incidents;
  history: History;
  audit: AuditLog;
  /** Tells every open page about a change (the server-sent-events stream forwards it). */
  announce: (change: Change) => void;
}

/** Who does something, as the incident log records it. */
export const authorOf = (user: { name: string; role: string }): Author => ({ name: user.name, role: user.role });

export const warroomAuthor: Author = { name: 'warroom', role: 'system' };
