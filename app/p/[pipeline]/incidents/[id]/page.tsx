import { IncidentPage } from '../../../../_views/incident-page';
import { pipelineParam } from '../../../../_views/pipeline-param';

export const dynamic = 'force-dynamic';

export default async function Page({
  params,
  searchParams,
}: {
  params: Promise<{ pipeline: string; id: string }>;
  searchParams: Promise<{ at?: string | string[] }>;
}) {
  const { pipeline, id } = await params;
  const { at } = await searchParams;
  return <IncidentPage pipeline={pipelineParam(pipeline)} id={id} at={Array.isArray(at) ? at[0] : at} />;
}
