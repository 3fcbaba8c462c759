/** @type {import('next').NextConfig} */
const nextConfig = {
  reactStrictMode: true,
  // The way it is deployed (deploy/Containerfile) and served by the local stack: `next build`
  // writes <distDir>/standalone/server.js with only the node_modules files it traced, so a server
  // runs with `node server.js` and no `npm ci`. scripts/stack/dashboard.ts (prepareStandalone)
  // and the container file copy the browser's files (<distDir>/static) beside it.
  output: 'standalone',
  // Trace from this checkout, never from a parent folder that happens to hold another lockfile:
  // server.js lands at the top of the standalone folder and node_modules beside it.
  outputFileTracingRoot: import.meta.dirname,
  // Server-only packages with native or dynamic requires stay out of the bundle; the standalone
  // output copies the files they load at run time (PGlite's wasm and data files included).
  serverExternalPackages: ['amqplib', 'pg', 'prom-client', '@electric-sql/pglite'],
  // Builds and dev servers keep their output apart, so `next dev` never clobbers a built demo.
  // scripts/stack/dashboard.ts (nextDistDir) reads the same variable to find the build.
  distDir: process.env.WARROOM_NEXT_DIST_DIR || '.next',
  poweredByHeader: false,
  // The stylesheet goes in the page rather than beside it: a link opened in a fresh browser (how
  // incident links are shared) paints without waiting for one more request first. The cost, about
  // 9 kB gzip on each full page load, is small beside that round trip on a busy on-call laptop.
  experimental: { inlineCss: true },
};

export default nextConfig;
