import { ScaleInput, ScaleOutcome } from '@/lib/contracts/scale';
import { actionFail } from '@/lib/contracts/result';
import { executeScale } from '@/lib/actions/scale';
import { route } from '@/lib/root/gate';

export const dynamic = 'force-dynamic';

/** Scales a worker group through Nomad; operators and admins only. */
export const POST = route(
  { name: 'scaling', access: 'operator', body: ScaleInput, response: ScaleOutcome },
  async ({ app, user, body }) => {
    const deps = await app.scaleDeps();
    return deps ? executeScale(deps, user!, body) : actionFail('not_configured', 'Nomad is not configured');
  },
);
