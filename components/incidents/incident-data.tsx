'use client';

import { useState, type ReactNode } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { useIncidentChanges } from './use-changes';
import type { IncidentDetailJson } from './types';

/**
 * Puts the server-loaded incident into the page's query cache before its children render, and
 * keeps it fresh from the change stream. Everything below reads it with useIncident.
 */
export function IncidentData({ initial, children }: { initial: IncidentDetailJson; children: ReactNode }) {
  const client = useQueryClient();
  // Once per page load (and again when the server sends a newer detail for another moment).
  useState(() => client.setQueryData(['incident', initial.incident.id], initial));
  useIncidentChanges();
  return <>{children}</>;
}
