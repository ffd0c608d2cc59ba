// Small pieces every adapter HTTP client needs: the text of a response, lenient JSON, and
// which socket failures are worth a retry.
import { AxiosError, type AxiosResponse } from "axios";

export function responseText(response: AxiosResponse<unknown>): string {
  const data = response.data;
  if (typeof data === "string") return data;
  if (Buffer.isBuffer(data)) return data.toString("utf8");
  return "";
}

export function parseJsonOrNull(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return null;
  }
}

const TRANSIENT_SOCKET_CODES = new Set([
  "ECONNRESET",
  "ETIMEDOUT",
  "ECONNABORTED",
  "ECONNREFUSED",
  "EPIPE",
  "EAI_AGAIN",
  "ENETUNREACH",
  "EHOSTUNREACH",
  "ERR_SOCKET_CONNECTION_TIMEOUT",
]);

/** Socket-level failure reason when it is one worth retrying, else null. */
export function transientNetworkReason(error: unknown): string | null {
  if (!(error instanceof AxiosError)) return null;
  const code = error.code ?? "";
  if (TRANSIENT_SOCKET_CODES.has(code)) return code;
  if (/socket hang up/i.test(error.message)) return "socket hang up";
  const causeCode = (error.cause as { code?: unknown } | undefined)?.code;
  if (typeof causeCode === "string" && TRANSIENT_SOCKET_CODES.has(causeCode)) return causeCode;
  return null;
}

export function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === "http:" || url.protocol === "https:";
  } catch {
    return false;
  }
}
