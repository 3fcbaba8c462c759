import { appHealth } from '@/lib/app-health';

export const dynamic = 'force-dynamic';

export function GET() {
  return Response.json(appHealth());
}
