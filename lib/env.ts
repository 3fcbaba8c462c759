import 'server-only';
import { z } from 'zod';

/**
 * The server's environment, validated once. Nothing else reads process.env; the values below
 * are server-only and never reach the browser.
 */
const ServerEnvSchema = z.object({
  WARROOM_CONFIG: z.string().min(1).optional(),
  /** PostgreSQL for the audit log and history; without it, PGlite under WARROOM_STATE_DIR. */
  DATABASE_URL: z.url({ protocol: /^postgres(ql)?$/ }).optional(),
  WARROOM_STATE_DIR: z.string().min(1).default('.warroom/data'),
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  /** Set by the test stack: every route checks what it sends against its contract (lib/contracts). */
  WARROOM_CHECK_RESPONSES: z
    .enum(['0', '1'])
    .optional()
    .transform((v) => v === '1'),
});

export type ServerEnv = z.infer<typeof ServerEnvSchema>;

let cached: ServerEnv | undefined;

export function serverEnv(): ServerEnv {
  if (cached) return cached;
  const result = ServerEnvSchema.safeParse(process.env);
  if (!result.success) {
    const issues = result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new Error(`environment: ${issues}`);
  }
  cached = result.data;
  return cached;
}

/** The raw environment, for `${VAR}` references in the configuration file. */
export function rawEnv(): Record<string, string | undefined> {
  return process.env;
}
