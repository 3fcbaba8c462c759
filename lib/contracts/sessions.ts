import { z } from 'zod';

/**
 * Ending sessions: POST /api/auth/sign-out (this session; `?everywhere=1`: every session of the
 * signed-in user) and POST /api/auth/sign-out-everyone (admins: every session of everyone, the
 * admin's own included), and what they answer.
 */
export const SignOutQuery = z.object({ everywhere: z.enum(['0', '1']).optional() });
export type SignOutQuery = z.infer<typeof SignOutQuery>;

export const SignOutResult = z.object({
  ok: z.literal(true),
  /** What ended: this session, every session of the user, or nothing (no valid session came with the request). */
  ended: z.enum(['session', 'user', 'none']),
});
export type SignOutResult = z.infer<typeof SignOutResult>;

export const SignOutEveryoneInput = z.strictObject({
  reason: z.string().trim().min(3, 'give a reason (at least 3 characters)').max(500),
});
export type SignOutEveryoneInput = z.infer<typeof SignOutEveryoneInput>;

export const SignOutEveryoneResult = z.object({
  /** Sessions issued before this moment (ISO 8601) are over, on every replica within a second. */
  notBefore: z.string(),
  by: z.string(),
});
export type SignOutEveryoneResult = z.infer<typeof SignOutEveryoneResult>;
