import { afterAll, beforeAll } from 'vitest';
import type { StackLayout } from '../stack';
import { resetPipeline } from './demo-client';

/**
 * For a test file that changes the demo pipeline (scenario, worker counts): reset it before the
 * file and again after, so the next file starts from the default. Hooks registered after this
 * run inside it (vitest runs after-hooks in reverse order).
 */
export function resetPipelineAround(layout: StackLayout): void {
  beforeAll(() => resetPipeline(layout));
  afterAll(() => resetPipeline(layout));
}
