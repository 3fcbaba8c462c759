'use client';

import { useEffect } from 'react';
import { useQueryClient, type QueryClient } from '@tanstack/react-query';
import type { Change } from '@/lib/contracts/change';
import { apiUrl } from '../live/api-client';

/** Refetches what a change announced by the server makes stale. */
export function applyChange(client: QueryClient, event: MessageEvent<string>): void {
  const change = JSON.parse(event.data) as Change;
  void client.invalidateQueries({ queryKey: ['incidents'] });
  if (change.topic === 'incident') void client.invalidateQueries({ queryKey: ['incident', change.incidentId] });
  else void client.invalidateQueries({ queryKey: ['incident'] });
}

/** A change made before the stream (re)connected never reached this page: refetch what it shows. */
export function refetchAfterReconnect(client: QueryClient): void {
  void client.invalidateQueries({ queryKey: ['incidents'] });
  void client.invalidateQueries({ queryKey: ['incident'] });
}

/**
 * Keeps incident data fresh for everyone who has it open: the server announces every incident
 * change and every stored timeline batch on /api/stream; the matching queries are refetched.
 * A page showing the live topology already has that stream (useSnapshot applies the changes), so
 * it passes `enabled: false` and keeps one connection per tab. EventSource reconnects by itself;
 * the queries also poll slowly in case the stream is down.
 */
export function useIncidentChanges(enabled = true): void {
  const client = useQueryClient();
  useEffect(() => {
    if (!enabled) return;
    const source = new EventSource(apiUrl('/api/stream?snapshots=0'));
    source.addEventListener('change', (event) => applyChange(client, event as MessageEvent<string>));
    // Every open, the first included: the page may have been rendered before a change.
    source.addEventListener('open', () => refetchAfterReconnect(client));
    return () => source.close();
  }, [client, enabled]);
}
