'use client';

import { createContext, useContext, type ReactNode } from 'react';
import { setScopedPipeline } from './api-client';

/**
 * Which pipeline a page shows, for a configuration with several: its name (every API call of the
 * page names it) and where its pages live (`/p/<name>`; '' with a single pipeline), so that links
 * to incidents and moments stay within it.
 */
const PipelineContext = createContext<{ name: string | null; basePath: string }>({ name: null, basePath: '' });

export function PipelineScope({
  name,
  basePath,
  children,
}: {
  name: string | null;
  basePath: string;
  children: ReactNode;
}) {
  // Set while rendering, so that the first queries of the page's panels already carry it.
  setScopedPipeline(basePath ? name : null);
  return <PipelineContext.Provider value={{ name, basePath }}>{children}</PipelineContext.Provider>;
}

/** A path of ours within the page's pipeline: `/incidents/3` becomes `/p/<name>/incidents/3` there. */
export function usePagePath(): (path: string) => string {
  const { basePath } = useContext(PipelineContext);
  return (path) => {
    if (!basePath || !path.startsWith('/') || path.startsWith('/api/')) return path;
    // The pipeline's own page is `/p/<name>`, not `/p/<name>/`.
    return path === '/' || path.startsWith('/?') ? `${basePath}${path.slice(1)}` : `${basePath}${path}`;
  };
}
