import path from 'node:path';
import { defineConfig } from 'vitest/config';

const alias = {
  '@': path.resolve(import.meta.dirname),
  'server-only': path.resolve(import.meta.dirname, 'scripts/testing/server-only-stub.ts'),
};

/**
 * Two projects, run one after the other by scripts/run-tests.ts:
 *  - unit: pure code, no servers, beside the code as *.test.ts;
 *  - integration: *.integration.test.ts against the real local stack and demo pipeline, whose
 *    files share it and so run one at a time.
 * The end-to-end tests (e2e/*.e2e.ts) run on Playwright Test: playwright.config.ts.
 */
export default defineConfig({
  resolve: { alias },
  test: {
    projects: [
      {
        resolve: { alias },
        test: {
          name: 'unit',
          include: ['{lib,demo,scripts,components}/**/*.test.ts'],
          exclude: ['**/*.integration.test.ts', 'node_modules/**', '.warroom/**'],
          environment: 'node',
          // npm test builds the dashboard beside this tier: CPU-heavy tests (scrypt at 2^16, the
          // property tests) get room on a busy 2-core machine; the few durations asserted have wide margins.
          testTimeout: 30_000,
        },
      },
      {
        resolve: { alias },
        test: {
          name: 'integration',
          include: ['{lib,demo,scripts}/**/*.integration.test.ts'],
          exclude: ['node_modules/**', '.warroom/**'],
          globalSetup: ['scripts/testing/stack-global-setup.ts'],
          fileParallelism: false,
          testTimeout: 240_000,
          hookTimeout: 180_000,
        },
      },
    ],
  },
});
