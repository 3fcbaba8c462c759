'use client';

import { useEffect } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import type { Change } from '@/lib/incidents/bus';

/**
 * Keeps incident data fresh for everyone who has it open: the server announces every incident
 * change and every stored timeline batch on /api/stream; the matching queries are refetched.
 * EventSource reconnects by itself; the queries also poll slowly in case the stream is down.
 */
export function useIncidentChanges(): void {
  const client = useQueryClient();
  useEffect(() => {
    const source = new EventSource('/api/stream?snapshots=0');
    source.addEventListener('change', (event) => {
      const change = JSON.parse((event as MessageEvent<string>).data) as Change;
      void client.invalidateQueries({ queryKey: ['incidents'] });
      if (change.topic === 'incident') void client.invalidateQueries({ queryKey: ['incident', change.incidentId] });
      else void client.invalidateQueries({ queryKey: ['incident'] });
    });
    return () => source.close();
  }, [client]);
}
