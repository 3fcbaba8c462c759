import path from 'node:path';
import { defineConfig } from 'vitest/config';

const alias = {
  '@': path.resolve(import.meta.dirname),
  'server-only': path.resolve(import.meta.dirname, 'scripts/testing/server-only-stub.ts'),
};

/**
 * Three projects, run one after the other by scripts/run-tests.ts:
 *  - unit: pure code, no servers, beside the code as *.test.ts;
 *  - integration: *.integration.test.ts against the real local stack and demo pipeline;
 *  - e2e: e2e/*.e2e.ts driving Debian's Chromium through playwright-core.
 * The integration and e2e projects share one stack, so their files run one at a time.
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
      {
        resolve: { alias },
        test: {
          name: 'e2e',
          include: ['e2e/**/*.e2e.ts'],
          globalSetup: ['scripts/testing/stack-global-setup.ts', 'scripts/testing/dashboard-global-setup.ts'],
          fileParallelism: false,
          testTimeout: 120_000,
          hookTimeout: 180_000,
        },
      },
    ],
  },
});
