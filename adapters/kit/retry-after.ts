// The one Retry-After reader of the adapters (LAPOR!, Graph API, recap intake).

/**
 * Retry-After as milliseconds: delta-seconds or an HTTP date (RFC 9110 §10.2.3); a date
 * in the past is 0. Null when absent or unreadable. Fractional seconds ("1.5"), which some
 * servers send, are read too; a bare number is never taken for a date.
 */
export function parseRetryAfterMs(header: unknown, now: number = Date.now()): number | null {
  if (typeof header !== "string" && typeof header !== "number") return null;
  const text = String(header).trim();
  if (text === "") return null;
  if (/^\d+(\.\d+)?$/.test(text)) return Math.round(Number(text) * 1000);
  if (!/[a-z]/i.test(text)) return null;
  const at = Date.parse(text);
  if (Number.isNaN(at)) return null;
  return Math.max(0, at - now);
}
