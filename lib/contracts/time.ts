/** The earliest moment anything can have been recorded; older times (year 0 included) name nothing. */
export const earliestAt = new Date('1970-01-01T00:00:00.000Z');

/**
 * A moment named in a link (`?at=`): an ISO 8601 time with a zone, not in the future (1 s of clock
 * skew allowed) and not before 1970 (PostgreSQL and Prometheus refuse year 0, and nothing was
 * recorded then). Errors are sentences a person can act on. No zod: callers prefix the parameter's
 * name to the message, and the result is a Date, not a string.
 */
export function parseAt(
  raw: string | null,
  nowMs = Date.now(),
): { ok: true; at: Date } | { ok: false; message: string } {
  if (raw === null || raw.trim() === '')
    return { ok: false, message: 'at is empty: give a time such as 2026-11-22T09:42:00Z' };
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})$/.test(raw.trim())) {
    return {
      ok: false,
      message: `"${raw.slice(0, 60)}" is not an ISO 8601 time with a zone, such as 2026-11-22T09:42:00Z`,
    };
  }
  const at = new Date(raw.trim());
  if (Number.isNaN(at.getTime())) return { ok: false, message: `"${raw.slice(0, 60)}" is not a valid time` };
  if (at.getTime() < earliestAt.getTime())
    return { ok: false, message: `${at.toISOString()} is before 1970: nothing was recorded then` };
  if (at.getTime() > nowMs + 1000) return { ok: false, message: `${at.toISOString()} is in the future` };
  return { ok: true, at };
}
