import { PipelinesView } from '@/lib/contracts/pipelines';
import { actionOk } from '@/lib/contracts/result';
import { route } from '@/lib/root/gate';
import { pipelinesView } from '@/lib/root/views';

export const dynamic = 'force-dynamic';

/** Every configured pipeline in one line: healthy or not, and why (the overview's data). */
export const GET = route({ name: 'listing the pipelines', access: 'read', response: PipelinesView }, ({ app }) =>
  actionOk(pipelinesView(app)),
);
