'use client';

import { useEffect, useState } from 'react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import type { Snapshot } from '@/lib/contracts/snapshot';
import { apiUrl, getJson } from './api-client';
import { applyChange, refetchAfterReconnect } from '../incidents/use-changes';

export const snapshotKey = ['topology'] as const;

const fetchSnapshot = () => getJson<Snapshot>('/api/topology');

/**
 * The live snapshot: fetched once, then replaced by every server-sent event. EventSource
 * reconnects by itself; while it is down the hook says so and polls every 5 s instead.
 */
export function useSnapshot(initial?: Snapshot, options: { live: boolean } = { live: true }) {
  const client = useQueryClient();
  const [stream, setStream] = useState<'connecting' | 'live' | 'reconnecting' | 'replay'>(
    options.live ? 'connecting' : 'replay',
  );
  const query = useQuery({
    queryKey: options.live ? snapshotKey : ['replay', initial?.generatedAt],
    queryFn: fetchSnapshot,
    initialData: initial,
    enabled: options.live,
    refetchInterval: options.live && stream !== 'live' ? 5000 : false,
  });
  useEffect(() => {
    // A replayed moment stays as it was: no stream.
    if (!options.live) return;
    const source = new EventSource(apiUrl('/api/stream'));
    source.addEventListener('snapshot', (event) => {
      client.setQueryData(snapshotKey, JSON.parse((event as MessageEvent<string>).data) as Snapshot);
      setStream('live');
    });
    // The same stream carries incident and timeline changes: one connection per tab.
    source.addEventListener('change', (event) => applyChange(client, event as MessageEvent<string>));
    source.addEventListener('open', () => refetchAfterReconnect(client));
    source.onerror = () => setStream('reconnecting');
    return () => source.close();
  }, [client, options.live]);
  // A page that goes from live to a replayed moment in place (router navigation) keeps this hook.
  return { ...query, stream: options.live ? stream : ('replay' as const) };
}
