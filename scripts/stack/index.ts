import { stackLayout, type StackLayout, type StackProfile } from './paths';
import { startRabbit, stopRabbit } from './rabbitmq';
import { startPrometheus, stopPrometheus } from './prometheus';
import { startPostgres, stopPostgres } from './postgres';

export * from './paths';
export * from './rabbitmq';
export * from './prometheus';
export * from './postgres';
export { stackSecrets } from './secrets';

export interface StackOptions {
  postgres?: boolean;
}

/** Idempotent: services already running from an earlier call are reused, dead ones restarted. */
export async function startStack(profile: StackProfile, options: StackOptions = {}): Promise<StackLayout> {
  const layout = stackLayout(profile);
  await Promise.all([
    startRabbit(layout),
    startPrometheus(layout),
    options.postgres ? startPostgres(layout) : Promise.resolve(),
  ]);
  return layout;
}

export async function stopStack(profile: StackProfile): Promise<void> {
  const layout = stackLayout(profile);
  await Promise.all([stopRabbit(layout), stopPrometheus(layout), stopPostgres(layout)]);
}
export * from './dashboard';
export * from './pipeline';
