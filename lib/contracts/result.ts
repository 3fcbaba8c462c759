import type { ErrorCode } from './errors';

/**
 * What a command or a query returns: a value, or an error with a code that the request gate maps
 * to an HTTP status and the usual error body (see errors.ts).
 */
export interface ActionError {
  code: ErrorCode;
  message: string;
}

export type ActionResult<T> = { ok: true; value: T } | { ok: false; error: ActionError };

export const actionOk = <T>(value: T): ActionResult<T> => ({ ok: true, value });
export const actionFail = <T = never>(code: ErrorCode, message: string): ActionResult<T> => ({
  ok: false,
  error: { code, message },
});
