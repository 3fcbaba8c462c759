'use client';

import { useEffect, useState, type ReactNode } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { useIncidentChanges } from './use-changes';
import type { IncidentDetailJson } from './types';

/**
 * Puts the server-loaded incident into the page's query cache before its children render, and
 * keeps it fresh from the change stream. Everything below reads it with useIncident. A detail
 * carrying only a window of its timeline (`omitted`, see withTimelineWindow) is replaced by the
 * whole one as soon as the page runs.
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
  // A page that started with one window of the timeline loads the whole of it at once.
  const partial = initial.omitted !== undefined;
  useEffect(() => {
    if (partial) void client.invalidateQueries({ queryKey: ['incident', initial.incident.id] });
  }, [client, partial, initial.incident.id]);
  // While the topology is live its stream brings the changes; on a replayed moment, this does.
  useIncidentChanges(!live);
  return <>{children}</>;
}
