import { describe, expect, it } from 'vitest';
import { firstLine, playwrightCounts, summarize, vitestCounts, type StepResult } from './run-tests-summary';

const tiers = ['unit tests', 'integration tests', 'end-to-end tests (Chromium)'];
const unit: StepResult = {
  name: 'unit tests',
  status: 'ok',
  seconds: 40,
  counts: { passed: 171, failed: 0, skipped: 0 },
};

describe('summarize', () => {
  it('ends with the plain totals line when every tier ran and passed', () => {
    const summary = summarize({
      steps: [
        unit,
        { name: 'test stack and demo pipeline up', status: 'ok', seconds: 30 },
        { name: 'integration tests', status: 'ok', seconds: 300, counts: { passed: 60, failed: 0, skipped: 2 } },
        {
          name: 'end-to-end tests (Chromium)',
          status: 'ok',
          seconds: 200,
          counts: { passed: 20, failed: 0, skipped: 0 },
        },
      ],
      tiers,
      tookSeconds: 570,
    });
    expect(summary.failed).toBe(false);
    expect(summary.lines).toEqual([
      'ok   unit tests (40 s, 171 passed, 0 failed)',
      'ok   test stack and demo pipeline up (30 s)',
      'ok   integration tests (300 s, 60 passed, 0 failed)',
      'ok   end-to-end tests (Chromium) (200 s, 20 passed, 0 failed)',
      'npm test took 570 s',
      'tests: 251 passed, 0 failed, 2 skipped',
    ]);
  });

  it('counts the tiers a failed stack start kept from running as failed, each with the reason', () => {
    const reason = 'rabbitmq exited before it was ready; log /x/rabbitmq.log:\nBOOT FAILED\n...';
    const notRun = `test stack: ${firstLine(reason)}`;
    const summary = summarize({
      steps: [
        unit,
        { name: 'test stack and demo pipeline up', status: 'failed', seconds: 12, reason },
        { name: 'integration tests', status: 'not run', reason: notRun },
        { name: 'end-to-end tests (Chromium)', status: 'not run', reason: notRun },
        { name: 'everything stopped', status: 'ok', seconds: 3 },
      ],
      tiers,
      tookSeconds: 55,
    });
    expect(summary.failed).toBe(true);
    expect(summary.lines).toEqual([
      'ok   unit tests (40 s, 171 passed, 0 failed)',
      'FAIL test stack and demo pipeline up (12 s): rabbitmq exited before it was ready; log /x/rabbitmq.log',
      'FAIL integration tests: not run: test stack: rabbitmq exited before it was ready; log /x/rabbitmq.log',
      'FAIL end-to-end tests (Chromium): not run: test stack: rabbitmq exited before it was ready; log /x/rabbitmq.log',
      'ok   everything stopped (3 s)',
      'npm test took 55 s',
      'tests: 171 passed, 2 failed, 0 skipped; 2 of 3 test tiers did not run (each counted as 1 failed)',
    ]);
  });

  it('fails a run whose build failed, though every test that ran passed', () => {
    const summary = summarize({
      steps: [
        unit,
        { name: 'dashboard build', status: 'failed', seconds: 90, reason: 'Command failed: next build' },
        { name: 'integration tests', status: 'not run', reason: 'dashboard build: Command failed: next build' },
        {
          name: 'end-to-end tests (Chromium)',
          status: 'not run',
          reason: 'dashboard build: Command failed: next build',
        },
      ],
      tiers,
      tookSeconds: 140,
    });
    expect(summary.failed).toBe(true);
    expect(summary.lines.at(-1)).toBe(
      'tests: 171 passed, 2 failed, 0 skipped; 2 of 3 test tiers did not run (each counted as 1 failed)',
    );
    expect(summary.lines).toContain('FAIL integration tests: not run: dashboard build: Command failed: next build');
  });

  it('fails a run when a step after the tests fails (the stack would not stop)', () => {
    const summary = summarize({
      steps: [
        unit,
        { name: 'integration tests', status: 'ok', seconds: 1, counts: { passed: 1, failed: 0, skipped: 0 } },
        { name: 'end-to-end tests (Chromium)', status: 'ok', seconds: 1, counts: { passed: 1, failed: 0, skipped: 0 } },
        { name: 'everything stopped', status: 'failed', seconds: 10, reason: 'rabbitmq: processes 12 still alive' },
      ],
      tiers,
      tookSeconds: 60,
    });
    expect(summary.failed).toBe(true);
    expect(summary.lines).toContain('FAIL everything stopped (10 s): rabbitmq: processes 12 still alive');
    expect(summary.lines.at(-1)).toBe('tests: 173 passed, 0 failed, 0 skipped');
  });

  it("prints where a tier's report is under its line, the totals line staying last", () => {
    const report = '/repo/.warroom/test/playwright/report/index.html';
    const summary = summarize({
      steps: [
        unit,
        {
          name: 'end-to-end tests (Chromium)',
          status: 'failed',
          seconds: 300,
          counts: { passed: 9, failed: 1, skipped: 0 },
          report,
        },
      ],
      tiers: ['unit tests', 'end-to-end tests (Chromium)'],
      tookSeconds: 345,
    });
    expect(summary.failed).toBe(true);
    expect(summary.lines).toEqual([
      'ok   unit tests (40 s, 171 passed, 0 failed)',
      'FAIL end-to-end tests (Chromium) (300 s, 9 passed, 1 failed)',
      `     report: ${report}`,
      'npm test took 345 s',
      'tests: 180 passed, 1 failed, 0 skipped',
    ]);
  });

  it('adds a tier that has no step at all as not run, so it cannot drop out of the summary', () => {
    const summary = summarize({ steps: [unit], tiers: ['unit tests', 'integration tests'], tookSeconds: 41 });
    expect(summary.failed).toBe(true);
    expect(summary.lines).toContain('FAIL integration tests: not run: never reached');
    expect(summary.lines.at(-1)).toBe(
      'tests: 171 passed, 1 failed, 0 skipped; 1 of 2 test tiers did not run (each counted as 1 failed)',
    );
  });
});

describe('vitestCounts', () => {
  it("reads the JSON reporter's totals", () => {
    expect(vitestCounts({ numPassedTests: 5, numFailedTests: 1, numPendingTests: 2 }, 1)).toEqual({
      passed: 5,
      failed: 1,
      skipped: 2,
    });
  });

  it('counts a tier that failed without writing a report as one failed test', () => {
    expect(vitestCounts(null, 1)).toEqual({ passed: 0, failed: 1, skipped: 0 });
    expect(vitestCounts(null, null)).toEqual({ passed: 0, failed: 1, skipped: 0 });
    expect(vitestCounts(null, 0)).toEqual({ passed: 0, failed: 0, skipped: 0 });
  });
});

describe('playwrightCounts', () => {
  const stats = (expected: number, unexpected: number, flaky: number, skipped: number) => ({
    expected,
    unexpected,
    flaky,
    skipped,
  });

  it.each([
    { name: 'all passed', stats: stats(9, 0, 0, 0), exit: 0, counts: { passed: 9, failed: 0, skipped: 0 } },
    { name: 'one failed', stats: stats(8, 1, 0, 0), exit: 1, counts: { passed: 8, failed: 1, skipped: 0 } },
    {
      name: 'flaky ones passed on a retry, skipped ones kept apart',
      stats: stats(6, 0, 2, 1),
      exit: 0,
      counts: { passed: 8, failed: 0, skipped: 1 },
    },
    {
      name: 'a non-zero exit with nothing failed (interrupted) is one failure',
      stats: stats(3, 0, 0, 6),
      exit: 130,
      counts: { passed: 3, failed: 1, skipped: 6 },
    },
  ])("reads the JSON report's stats: $name", ({ stats, exit, counts }) => {
    expect(playwrightCounts({ stats, errors: [] }, exit)).toEqual(counts);
  });

  it('counts each error outside a test (a global setup that threw, a file that did not load) as a failure', () => {
    const report = { stats: stats(0, 0, 0, 0), errors: [{ message: 'globalSetup: rabbitmq did not start' }] };
    expect(playwrightCounts(report, 1)).toEqual({ passed: 0, failed: 1, skipped: 0 });
    const twoFiles = { stats: stats(4, 1, 0, 0), errors: [{ message: 'a' }, { message: 'b' }] };
    expect(playwrightCounts(twoFiles, 1)).toEqual({ passed: 4, failed: 3, skipped: 0 });
  });

  it('counts a run that crashed without writing a report as one failed test', () => {
    expect(playwrightCounts(null, 1)).toEqual({ passed: 0, failed: 1, skipped: 0 });
    expect(playwrightCounts(null, null)).toEqual({ passed: 0, failed: 1, skipped: 0 });
    expect(playwrightCounts(null, 0)).toEqual({ passed: 0, failed: 0, skipped: 0 });
  });
});
