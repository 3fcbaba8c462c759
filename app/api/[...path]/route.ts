import { errorResponse } from '@/lib/root/gate';

export const dynamic = 'force-dynamic';

/** Any API path no route declares: a 404 with the usual error body, whatever the method. */
const notFound = (request: Request) =>
  errorResponse('not_found', `no API at ${new URL(request.url).pathname.slice(0, 200)}`);

export const GET = notFound;
export const HEAD = notFound;
export const POST = notFound;
export const PUT = notFound;
export const PATCH = notFound;
export const DELETE = notFound;
export const OPTIONS = notFound;
