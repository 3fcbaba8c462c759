import { guarded } from '@/lib/actions/guard';
import { scaleDeps } from '@/lib/actions/deps';
import { actionFail } from '@/lib/actions/result';
import { previewScale, ScalePreviewInput } from '@/lib/actions/scale-group';

export const dynamic = 'force-dynamic';

/** What scaling would do, without doing it. Any signed-in user may look. */
export const POST = guarded(
  { action: 'scale preview', role: 'viewer', input: ScalePreviewInput },
  async ({ config }, input) => {
    const deps = await scaleDeps(config);
    return deps ? previewScale(deps, input) : actionFail('not_configured', 'Nomad is not configured');
  },
);
