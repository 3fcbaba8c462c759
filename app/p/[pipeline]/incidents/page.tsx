import { IncidentsPage } from '../../../_views/incidents-page';
import { pipelineParam } from '../../../_views/pipeline-param';

export const dynamic = 'force-dynamic';

export default async function Page({ params }: { params: Promise<{ pipeline: string }> }) {
  return <IncidentsPage pipeline={pipelineParam((await params).pipeline)} />;
}
