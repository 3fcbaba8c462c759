import { NextResponse, type NextRequest } from 'next/server';
import { configProblem } from './lib/config/config-state';
import { notConfiguredMessage } from './lib/contracts/errors';
import { rawEnv, serverEnv } from './lib/env';

/**
 * In front of every request: fail closed while the configuration does not load (503 for all but
 * the health check, whose answer says so), and the security headers on every answer: a nonce-based
 * Content-Security-Policy (Next.js puts the nonce on its own scripts), no framing, no sniffing, no
 * referrer outside the origin.
 */
const alwaysOpen = new Set(['/api/health']);

function contentSecurityPolicy(pathname: string, nonce: string): string {
  // JSON and event streams load nothing.
  if (pathname.startsWith('/api/')) return "default-src 'none'; frame-ancestors 'none'; base-uri 'none'";
  const dev = process.env.NODE_ENV === 'development';
  return [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${dev ? " 'unsafe-eval'" : ''}`,
    // React renders style attributes (graph positions, chart sizes); a nonce cannot cover those.
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' blob: data:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
}

function secure(response: NextResponse | Response, csp: string): Response {
  response.headers.set('content-security-policy', csp);
  response.headers.set('x-frame-options', 'DENY');
  response.headers.set('x-content-type-options', 'nosniff');
  response.headers.set('referrer-policy', 'same-origin');
  response.headers.set('cross-origin-opener-policy', 'same-origin');
  response.headers.set('permissions-policy', 'camera=(), microphone=(), geolocation=()');
  return response;
}

function decodable(pathname: string): boolean {
  try {
    decodeURIComponent(pathname);
    return true;
  } catch {
    return false;
  }
}

export function proxy(request: NextRequest): Response {
  const { pathname } = request.nextUrl;
  const nonce = Buffer.from(crypto.getRandomValues(new Uint8Array(16))).toString('base64');
  const csp = contentSecurityPolicy(pathname, nonce);
  if (!alwaysOpen.has(pathname) && configProblem(serverEnv().WARROOM_CONFIG, rawEnv())) {
    const message = notConfiguredMessage;
    const body = pathname.startsWith('/api/')
      ? Response.json({ error: { code: 'not_configured', message } }, { status: 503 })
      : new Response(`<!doctype html><title>warroom unavailable</title><p>${message}.</p>`, {
          status: 503,
          headers: { 'content-type': 'text/html; charset=utf-8' },
        });
    body.headers.set('cache-control', 'no-store');
    body.headers.set('retry-after', '30');
    return secure(body, csp);
  }
  // A path that is not valid percent-encoding names nothing: say so, before a route tries to decode it.
  if (!decodable(pathname)) {
    const message = 'the address is not valid percent-encoding';
    const body = pathname.startsWith('/api/')
      ? Response.json({ error: { code: 'invalid', message } }, { status: 400 })
      : new Response(`<!doctype html><title>Bad address</title><p>${message}.</p>`, {
          status: 400,
          headers: { 'content-type': 'text/html; charset=utf-8' },
        });
    return secure(body, csp);
  }
  const headers = new Headers(request.headers);
  headers.set('content-security-policy', csp);
  headers.set('x-nonce', nonce);
  return secure(NextResponse.next({ request: { headers } }), csp);
}

export const config = {
  // Static assets are the build's own files; everything else (pages, API, streams) passes here.
  matcher: ['/((?!_next/static|_next/image|icon.svg|favicon.ico).*)'],
};
