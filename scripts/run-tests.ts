import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import {
  buildDashboard,
  startDashboard,
  startPipeline,
  startStack,
  stackLayout,
  stopDashboard,
  stopPipeline,
  stopStack,
} from './stack';

/**
 * `npm test`: unit tests, then the local stack and demo pipeline once for the integration and
 * end-to-end tests, then the dashboard build and the e2e tests in Chromium. Everything started
 * here is stopped at the end, pass or fail; the exit code is non-zero on any failure.
 */
const startedMs = Date.now();
const layout = stackLayout('test');
const results: Array<{ step: string; ok: boolean; seconds: number }> = [];
const counts = { passed: 0, failed: 0, skipped: 0 };

function step(name: string, run: () => boolean | void): boolean {
  const t0 = Date.now();
  console.log(`\n=== ${name}`);
  let ok = false;
  try {
    ok = run() !== false;
  } catch (err) {
    console.error(`${name}: ${(err as Error).message}`);
  }
  results.push({ step: name, ok, seconds: Math.round((Date.now() - t0) / 1000) });
  return ok;
}

/** Runs one vitest project, adding its test counts (from the JSON reporter) to the totals. */
function vitest(project: string): boolean {
  const report = path.join(layout.stateDir, `vitest-${project}.json`);
  rmSync(report, { force: true });
  const res = spawnSync(
    process.execPath,
    [
      'node_modules/vitest/vitest.mjs',
      'run',
      '--project',
      project,
      '--reporter=default',
      '--reporter=json',
      `--outputFile.json=${report}`,
    ],
    { stdio: 'inherit', env: { ...process.env, WARROOM_SKIP_BUILD: '1', NO_COLOR: '1' } },
  );
  if (existsSync(report)) {
    const json = JSON.parse(readFileSync(report, 'utf8')) as {
      numPassedTests: number;
      numFailedTests: number;
      numPendingTests: number;
    };
    counts.passed += json.numPassedTests;
    counts.failed += json.numFailedTests;
    counts.skipped += json.numPendingTests;
  } else if (res.status !== 0) {
    counts.failed += 1;
  }
  return res.status === 0;
}

let failed = !step('unit tests', () => vitest('unit'));
try {
  const t0 = Date.now();
  console.log('\n=== starting the test stack (RabbitMQ, Prometheus, PostgreSQL) and the demo pipeline');
  await startStack('test', { postgres: true });
  await startPipeline(layout, { scenario: 'steady' });
  results.push({ step: 'stack and pipeline up', ok: true, seconds: Math.round((Date.now() - t0) / 1000) });
  // The integration tests read the dashboard's API too, so it is built and served first.
  failed = !step('dashboard build', () => buildDashboard()) || failed;
  await stopDashboard(layout);
  await startDashboard(layout);
  failed = !step('integration tests', () => vitest('integration')) || failed;
  failed = !step('end-to-end tests (Chromium)', () => vitest('e2e')) || failed;
} catch (err) {
  console.error(`test stack: ${(err as Error).message}`);
  failed = true;
} finally {
  await stopDashboard(layout);
  await stopPipeline(layout);
  await stopStack('test');
}

console.log('\n=== summary');
for (const r of results) console.log(`${r.ok ? 'ok  ' : 'FAIL'} ${r.step} (${r.seconds} s)`);
console.log(`npm test took ${Math.round((Date.now() - startedMs) / 1000)} s`);
console.log(`tests: ${counts.passed} passed, ${counts.failed} failed, ${counts.skipped} skipped`);
process.exit(failed ? 1 : 0);
