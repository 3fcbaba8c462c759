import { LivePage } from '../../_views/live-page';
import { pipelineParam } from '../../_views/pipeline-param';

export const dynamic = 'force-dynamic';

/** One pipeline's live war room, when the configuration has several. */
export default async function PipelinePage({
  params,
  searchParams,
}: {
  params: Promise<{ pipeline: string }>;
  searchParams: Promise<{ at?: string | string[] }>;
}) {
  const { pipeline } = await params;
  const { at: raw } = await searchParams;
  return <LivePage pipeline={pipelineParam(pipeline)} at={Array.isArray(raw) ? raw[0] : raw} />;
}
