import { Health } from '@/lib/contracts/health';
import { actionOk } from '@/lib/contracts/result';
import { route } from '@/lib/root/gate';
import { health } from '@/lib/root/pages';

export const dynamic = 'force-dynamic';

export const GET = route({ name: 'health', access: 'public', response: Health }, () => actionOk(health()));
