import { LivePage } from '../_views/live-page';

// The page reflects the live poller and the configuration file at request time.
export const dynamic = 'force-dynamic';

export default async function HomePage({ searchParams }: { searchParams: Promise<{ at?: string | string[] }> }) {
  const { at: raw } = await searchParams;
  return <LivePage at={Array.isArray(raw) ? raw[0] : raw} />;
}
