/** Demo processes are configured by environment, as a Nomad task is; a missing key is a clear error. */
export function requireEnv(key: string): string {
  const value = process.env[key];
  if (value === undefined || value === '') {
    throw new Error(`environment variable ${key} is required (set by the Nomad stand-in's job spec)`);
  }
  return value;
}

export function envNumber(key: string, fallback?: number): number {
  const raw = process.env[key];
  if (raw === undefined || raw === '') {
    if (fallback === undefined) throw new Error(`environment variable ${key} is required`);
    return fallback;
  }
  const value = Number(raw);
  if (!Number.isFinite(value)) throw new Error(`environment variable ${key}="${raw}" is not a number`);
  return value;
}

/**
 * Resolves on the first SIGTERM or SIGINT (Nomad's kill signal and Ctrl-C). Later signals are
 * ignored: a stop signal sent to the whole process group and again by the supervisor must not
 * cut short the graceful stop the first one began (the supervisor's SIGKILL still ends it).
 */
export function onceStopSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    let received = false;
    const handler = (signal: NodeJS.Signals) => {
      if (received) return;
      received = true;
      resolve(signal);
    };
    process.on('SIGTERM', handler);
    process.on('SIGINT', handler);
  });
}
