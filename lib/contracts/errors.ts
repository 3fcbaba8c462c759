import { z } from 'zod';

/**
 * Every error the API answers with is `{ error: { code, message } }`: the code for programs (and
 * the HTTP status, through `statusFor`), the message a sentence for people.
 */
export const ErrorCode = z.enum([
  'invalid',
  'unauthenticated',
  'forbidden',
  'not_found',
  'method_not_allowed',
  'conflict',
  'cooldown',
  'payload_too_large',
  'rate_limited',
  'upstream',
  'not_configured',
  'store_unavailable',
  'unavailable',
]);
export type ErrorCode = z.infer<typeof ErrorCode>;

export const ErrorBody = z.object({
  error: z.object({ code: ErrorCode, message: z.string() }),
});
export type ErrorBody = z.infer<typeof ErrorBody>;

/** One status per code, so that a route cannot answer a code with a status that contradicts it. */
export const statusFor: Record<ErrorCode, number> = {
  invalid: 400,
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  method_not_allowed: 405,
  conflict: 409,
  cooldown: 409,
  payload_too_large: 413,
  rate_limited: 429,
  upstream: 502,
  not_configured: 503,
  store_unavailable: 503,
  unavailable: 503,
};

/** What any caller is told while the configuration does not load; the server log says why. */
export const notConfiguredMessage = 'warroom is not configured: the configuration did not load (see the server log)';
