/** @type {import('next').NextConfig} */
const nextConfig = {
  reactStrictMode: true,
  // Server-only packages with native or dynamic requires stay out of the bundle.
  serverExternalPackages: ['amqplib', 'pg', 'prom-client', '@electric-sql/pglite'],
  // Builds and dev servers keep their output apart, so `next dev` never clobbers a built demo.
  distDir: process.env.WARROOM_NEXT_DIST_DIR || '.next',
  poweredByHeader: false,
};

export default nextConfig;
