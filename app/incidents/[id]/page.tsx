import { IncidentPage } from '../../_views/incident-page';

export const dynamic = 'force-dynamic';

export default async function Page({
  params,
  searchParams,
}: {
  params: Promise<{ id: string }>;
  searchParams: Promise<{ at?: string | string[] }>;
}) {
  const { at } = await searchParams;
  return <IncidentPage id={(await params).id} at={Array.isArray(at) ? at[0] : at} />;
}
