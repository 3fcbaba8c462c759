import path from 'node:path';
import { build } from 'esbuild';

/** The demo's processes, bundled once to plain ESM so each of dozens of allocations starts in ~100 ms. */
export const demoEntries = ['api', 'ml-worker', 'reply-consumer', 'loadgen', 'nomad'] as const;
export type DemoEntry = (typeof demoEntries)[number];

/** demo/ itself: each entry's program is demo/<entry>/main.ts. */
const demoDir = import.meta.dirname;

export async function buildDemo(outDir: string): Promise<Record<DemoEntry, string>> {
  const entryPoints = Object.fromEntries(demoEntries.map((e) => [e, path.join(demoDir, e, 'main.ts')]));
  await build({
    entryPoints,
    outdir: outDir,
    outExtension: { '.js': '.mjs' },
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    // npm packages resolve from the repo's node_modules (the output sits below the repo root).
    packages: 'external',
    sourcemap: 'inline',
    logLevel: 'warning',
  });
  return Object.fromEntries(demoEntries.map((e) => [e, path.join(outDir, `${e}.mjs`)])) as Record<DemoEntry, string>;
}
