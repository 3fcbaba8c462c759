'use client';

import { useState, type ReactNode } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { useIncidentChanges } from './use-changes';
import type { IncidentDetailJson } from './types';

/**
 * Puts the server-loaded incident into the page's query cache before its children render, and
 * keeps it fresh from the change stream. Everything below reads it with useIncident.
 */
export function IncidentData({
  initial,
  live,
  children,
}: {
  initial: IncidentDetailJson;
  live: boolean;
  children: ReactNode;
}) {
  const client = useQueryClient();
  // Once per page load; afterwards the query keeps itself fresh.
  useState(() => client.setQueryData(['incident', initial.incident.id], initial));
  // While the topology is live its stream brings the changes; on a replayed moment, this does.
  useIncidentChanges(!live);
  return <>{children}</>;
}
