import { ScalePreview, ScalePreviewInput } from '@/lib/contracts/scale';
import { actionFail } from '@/lib/contracts/result';
import { previewScale } from '@/lib/actions/scale';
import { route } from '@/lib/root/gate';

export const dynamic = 'force-dynamic';

/** What scaling would do, without doing it. Any signed-in user may look. */
export const POST = route(
  { name: 'scale preview', access: 'viewer', body: ScalePreviewInput, response: ScalePreview },
  async ({ app, user, body }) => {
    const deps = await app.scaleDeps();
    return deps ? previewScale(deps, user!, body) : actionFail('not_configured', 'Nomad is not configured');
  },
);
