'use client';

import { useIncidentChanges } from './use-changes';

/** Subscribes the page to incident and timeline changes (see useIncidentChanges). */
export function IncidentChanges() {
  useIncidentChanges();
  return null;
}
