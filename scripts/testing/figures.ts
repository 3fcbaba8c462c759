import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ensureDir, stackLayout } from '../stack';

/** Figures measured by the acceptance tests, kept for the closing note and BENCHMARKS.md. */
export function recordFigures(name: string, figures: Record<string, number | string>): void {
  const file = path.join(ensureDir(stackLayout('test').stateDir), 'figures.json');
  const all = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>) : {};
  all[name] = { ...figures, measuredAt: new Date().toISOString() };
  writeFileSync(file, JSON.stringify(all, null, 2));
  console.log(`[figures] ${name}: ${JSON.stringify(figures)}`);
}
