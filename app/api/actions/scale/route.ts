import { guarded } from '@/lib/actions/guard';
import { scaleDeps } from '@/lib/actions/deps';
import { actionFail } from '@/lib/actions/result';
import { executeScale, ScaleInput } from '@/lib/actions/scale-group';

export const dynamic = 'force-dynamic';

/** Scales a worker group through Nomad, behind the guard; operators and admins only. */
export const POST = guarded(
  { action: 'scaling', role: 'operator', input: ScaleInput },
  async ({ config, user }, input) => {
    const deps = await scaleDeps(config);
    return deps ? executeScale(deps, user, input) : actionFail('not_configured', 'Nomad is not configured');
  },
);
