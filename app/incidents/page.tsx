import { IncidentsPage } from '../_views/incidents-page';

export const dynamic = 'force-dynamic';

export default async function Page() {
  return <IncidentsPage />;
}
