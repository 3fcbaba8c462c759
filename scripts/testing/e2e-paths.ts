import path from 'node:path';
import { repoRoot } from '../stack/paths';

/**
 * Where Playwright Test leaves what a run produced, under the ignored state folder of the test
 * profile: per test, the trace and screenshot of a failure (results/, wiped at each run's start);
 * the HTML report (report/, wiped too); the JSON report that scripts/run-tests.ts counts.
 */
const root = path.join(repoRoot, '.warroom', 'test', 'playwright');
export const e2eOutput = {
  results: path.join(root, 'results'),
  htmlReport: path.join(root, 'report'),
  jsonReport: path.join(root, 'report.json'),
};
