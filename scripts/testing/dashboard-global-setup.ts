import { existsSync } from 'node:fs';
import path from 'node:path';
import { buildDashboard, repoRoot, stackLayout, startDashboard, stopDashboard } from '../stack';

/**
 * Serves a fresh production build of the dashboard for the e2e tests. scripts/run-tests.ts builds
 * it first (WARROOM_SKIP_BUILD=1); run alone (`npm run test:e2e`), this builds.
 */
export default async function setup() {
  const layout = stackLayout('test');
  if (process.env.WARROOM_SKIP_BUILD !== '1' || !existsSync(path.join(repoRoot, '.next', 'BUILD_ID'))) {
    buildDashboard();
    await stopDashboard(layout);
  }
  await startDashboard(layout);
}
