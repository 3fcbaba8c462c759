/**
 * The accounting behind `npm test`'s summary (scripts/run-tests.ts), kept pure so it is tested
 * without running anything. A run is a list of steps: setup steps (the stack, the build) and test
 * tiers (a vitest project each, and the end-to-end tier on Playwright Test). A tier that never ran
 * because a step before it failed counts as failed, with the reason on its line: a summary of only
 * the tiers that ran reads as green.
 */
export interface TestCounts {
  passed: number;
  failed: number;
  skipped: number;
}

export type StepResult =
  | {
      name: string;
      status: 'ok' | 'failed';
      seconds: number;
      counts?: TestCounts;
      reason?: string;
      /** Where a person reads the tier's report (Playwright's HTML report), printed under its line. */
      report?: string;
    }
  | { name: string; status: 'not run'; reason: string };

export interface Summary {
  lines: string[];
  failed: boolean;
}

/** The JSON reporter's totals, as far as vitest's report file has them. */
interface VitestReport {
  numPassedTests: number;
  numFailedTests: number;
  numPendingTests: number;
}

/**
 * One tier's counts from its vitest JSON report (null when vitest wrote none). A tier that failed
 * without a report (vitest crashed, or its global setup threw) counts as one failed test, so the
 * totals cannot say "0 failed" for it.
 */
export function vitestCounts(report: VitestReport | null, exitStatus: number | null): TestCounts {
  if (report) return { passed: report.numPassedTests, failed: report.numFailedTests, skipped: report.numPendingTests };
  return { passed: 0, failed: exitStatus === 0 ? 0 : 1, skipped: 0 };
}

/** What Playwright's JSON reporter writes that the counts need (its `stats`, and errors outside tests). */
export interface PlaywrightReport {
  stats: { expected: number; unexpected: number; flaky: number; skipped: number };
  errors?: unknown[];
}

/**
 * The end-to-end tier's counts from Playwright's JSON report (null when it wrote none). Expected
 * results passed; flaky ones passed on a retry, so they pass too; unexpected ones failed. An error
 * outside any test (a global setup that threw, a test file that did not load) counts as a failed
 * test, and so does a run that exited non-zero with nothing failed in it (interrupted, or no
 * report at all): the totals cannot say "0 failed" for a tier that failed.
 */
export function playwrightCounts(report: PlaywrightReport | null, exitStatus: number | null): TestCounts {
  if (!report) return { passed: 0, failed: exitStatus === 0 ? 0 : 1, skipped: 0 };
  const { expected, unexpected, flaky, skipped } = report.stats;
  const failed = unexpected + (report.errors?.length ?? 0);
  return { passed: expected + flaky, failed: failed === 0 && exitStatus !== 0 ? 1 : failed, skipped };
}

/**
 * The first line of an error message: waitUntilReady's errors carry the service's log tail after
 * it, introduced by "log <file>:", whose colon means nothing once the tail is cut off.
 */
export function firstLine(message: string): string {
  return message.split('\n', 1)[0]!.trim().replace(/:$/, '');
}

/**
 * The summary lines for `steps` in the order they were recorded (a tier kept from running is
 * recorded as 'not run' with the reason), then the time and the totals. A tier of `tiers` with no
 * step at all is added as not run too, so no tier can drop out of the summary unnoticed.
 */
export function summarize(input: { steps: StepResult[]; tiers: string[]; tookSeconds: number }): Summary {
  const recorded = new Set(input.steps.map((s) => s.name));
  const missing = input.tiers
    .filter((t) => !recorded.has(t))
    .map((name): StepResult => ({ name, status: 'not run', reason: 'never reached' }));
  const steps = [...input.steps, ...missing];
  const totals: TestCounts = { passed: 0, failed: 0, skipped: 0 };
  const lines: string[] = [];
  for (const step of steps) {
    if (step.status === 'not run') {
      lines.push(`FAIL ${step.name}: not run: ${firstLine(step.reason)}`);
      continue;
    }
    const counts = step.counts ? `, ${step.counts.passed} passed, ${step.counts.failed} failed` : '';
    const reason = step.reason ? `: ${firstLine(step.reason)}` : '';
    lines.push(`${step.status === 'ok' ? 'ok  ' : 'FAIL'} ${step.name} (${step.seconds} s${counts})${reason}`);
    if (step.report) lines.push(`     report: ${step.report}`);
    if (step.counts) {
      totals.passed += step.counts.passed;
      totals.failed += step.counts.failed;
      totals.skipped += step.counts.skipped;
    }
  }
  const notRun = steps.filter((s) => s.status === 'not run').length;
  lines.push(`npm test took ${input.tookSeconds} s`);
  // With every tier run, the last line is the plain "N passed, N failed, N skipped" that CI and
  // people read; otherwise each tier not run adds a failure and the line says so.
  lines.push(
    `tests: ${totals.passed} passed, ${totals.failed + notRun} failed, ${totals.skipped} skipped` +
      (notRun > 0 ? `; ${notRun} of ${input.tiers.length} test tiers did not run (each counted as 1 failed)` : ''),
  );
  return { lines, failed: notRun > 0 || steps.some((s) => s.status === 'failed') };
}
