import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import {
  buildDashboardInBackground,
  startDashboard,
  startPipeline,
  startStack,
  stackLayout,
  stopDashboard,
  stopPipeline,
  stopStack,
} from './stack';
import {
  firstLine,
  playwrightCounts,
  summarize,
  vitestCounts,
  type StepResult,
  type TestCounts,
} from './run-tests-summary';
import { e2eOutput } from './testing/e2e-paths';

/**
 * `npm test`: unit tests, then the local stack and demo pipeline once for the integration and
 * end-to-end tests, then the dashboard build and the e2e tests in Chromium (on Playwright Test:
 * playwright.config.ts). Everything started here is stopped at the end, pass or fail; the exit
 * code is non-zero on any failure, and a tier that could not run (the stack or the build failed)
 * is a failure too (see run-tests-summary.ts).
 */
const startedMs = Date.now();
const layout = stackLayout('test');
const tiers = { unit: 'unit tests', integration: 'integration tests', e2e: 'end-to-end tests (Chromium)' };
const steps: StepResult[] = [];

type StepOutcome = { ok: boolean; counts?: TestCounts; reason?: string; report?: string };

/** Runs one step, recording how it went; returns the reason it failed, or null. */
async function step(name: string, run: () => Promise<StepOutcome | void>) {
  const t0 = Date.now();
  console.log(`\n=== ${name}`);
  let outcome: StepOutcome;
  try {
    outcome = (await run()) ?? { ok: true };
  } catch (err) {
    console.error(`${name}: ${(err as Error).message}`);
    outcome = { ok: false, reason: (err as Error).message };
  }
  const seconds = Math.round((Date.now() - t0) / 1000);
  const { counts, reason, report } = outcome;
  steps.push({ name, status: outcome.ok ? 'ok' : 'failed', seconds, counts, reason, report });
  return outcome.ok ? null : firstLine(outcome.reason ?? '') || 'failed';
}

/** Runs one vitest project; its test counts come from the JSON reporter. */
async function vitest(project: string): Promise<{ ok: boolean; counts: TestCounts }> {
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
  const json = existsSync(report) ? JSON.parse(readFileSync(report, 'utf8')) : null;
  return { ok: res.status === 0, counts: vitestCounts(json, res.status) };
}

/**
 * The e2e tier on Playwright Test; its counts come from the JSON report playwright.config.ts
 * writes, and the summary names the HTML report (with each failure's trace and screenshots).
 */
async function playwright(): Promise<StepOutcome> {
  // A report left by an earlier run must not be read (or named) as this one's.
  rmSync(e2eOutput.jsonReport, { force: true });
  rmSync(e2eOutput.htmlReport, { recursive: true, force: true });
  const res = spawnSync(process.execPath, ['node_modules/@playwright/test/cli.js', 'test'], {
    stdio: 'inherit',
    env: { ...process.env, WARROOM_SKIP_BUILD: '1' },
  });
  const json = existsSync(e2eOutput.jsonReport) ? JSON.parse(readFileSync(e2eOutput.jsonReport, 'utf8')) : null;
  const html = path.join(e2eOutput.htmlReport, 'index.html');
  return {
    ok: res.status === 0,
    counts: playwrightCounts(json, res.status),
    report: existsSync(html) ? path.relative(process.cwd(), html) : undefined,
  };
}

// The dashboard build (the longest setup step) runs in the background from the start, beside the
// unit tests and the stack starting; its output goes to a log that a failure quotes.
const buildLog = path.join(layout.stateDir, 'dashboard-build.log');
mkdirSync(layout.stateDir, { recursive: true });
const built = buildDashboardInBackground(buildLog);
// Awaited below, as a step; a failure meanwhile must not end the process as unhandled.
built.catch(() => undefined);
await step(tiers.unit, () => vitest('unit'));
// Each setup step runs only when the ones before it succeeded; the first to fail is why the
// integration and e2e tiers do not run. The integration tests read the dashboard's API too, so it
// is built and served before them.
const setup: Array<[name: string, label: string, run: () => Promise<void>]> = [
  [
    'test stack and demo pipeline up',
    'test stack',
    async () => {
      await startStack('test', { postgres: true });
      await startPipeline(layout, { scenario: 'steady' });
    },
  ],
  [
    'dashboard build (begun beside the unit tests)',
    'dashboard build',
    async () => {
      await built;
      console.log(`next build: done (its output: ${path.relative(process.cwd(), buildLog)})`);
    },
  ],
  [
    'dashboard up',
    'dashboard',
    async () => {
      await stopDashboard(layout);
      await startDashboard(layout);
    },
  ],
];
let blockedBy: string | null = null;
for (const [name, label, run] of setup) {
  const reason = await step(name, run);
  if (reason !== null) {
    blockedBy = `${label}: ${reason}`;
    break;
  }
}
for (const [tier, run] of [
  [tiers.integration, () => vitest('integration')],
  [tiers.e2e, playwright],
] as const) {
  if (blockedBy === null) await step(tier, run);
  else steps.push({ name: tier, status: 'not run', reason: blockedBy });
}
await step('everything stopped', async () => {
  // A setup step that failed early leaves the build running: let it end rather than orphan it.
  await built.catch(() => undefined);
  await stopDashboard(layout);
  await stopPipeline(layout);
  await stopStack('test');
});

const summary = summarize({
  steps,
  tiers: Object.values(tiers),
  tookSeconds: Math.round((Date.now() - startedMs) / 1000),
});
console.log('\n=== summary');
for (const line of summary.lines) console.log(line);
process.exit(summary.failed ? 1 : 0);
