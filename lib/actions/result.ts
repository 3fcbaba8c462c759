/** What an action returns: a value, or an error with a code the route maps to an HTTP status. */
export type ActionErrorCode =
  'invalid' | 'unauthenticated' | 'forbidden' | 'not_found' | 'conflict' | 'cooldown' | 'upstream' | 'not_configured';

export interface ActionError {
  code: ActionErrorCode;
  message: string;
}

export type ActionResult<T> = { ok: true; value: T } | { ok: false; error: ActionError };

export const actionOk = <T>(value: T): ActionResult<T> => ({ ok: true, value });
export const actionFail = <T = never>(code: ActionErrorCode, message: string): ActionResult<T> => ({
  ok: false,
  error: { code, message },
});

export const statusFor: Record<ActionErrorCode, number> = {
  invalid: 400,
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  cooldown: 409,
  upstream: 502,
  not_configured: 503,
};
