// HTTP client of the recap intake (rekap.yaml). One POST per recap; the outcome is
// classified here so the outbox handler only maps it: 201/200 accepted, 429 and 5xx (and
// network errors) transient, 401/403 credentials, any other 4xx permanent.
import { parseRetryAfterMs } from "../kit/retry-after.js";
import { RekapReceiptSchema } from "./rekap.dto.js";
import { signRekap } from "./rekap.signature.js";

export type RekapTargetConfig = {
  name: string;
  baseUrl: string;
  key: string;
  instansiKode: string;
};

export type RekapPushResult =
  | { kind: "accepted"; status: 200 | 201; receiptId: string; response: unknown }
  | { kind: "transient"; status: number | null; error: string; retryAfterMs?: number }
  | { kind: "unauthorized"; status: number; error: string }
  | { kind: "rejected"; status: number; error: string; response: unknown };

export const REKAP_PATH = "/api/v1/rekap-pengaduan";

function shortError(body: unknown, status: number): string {
  if (body && typeof body === "object") {
    const o = body as Record<string, unknown>;
    const msg = o.message ?? o.error ?? o.code;
    if (typeof msg === "string") return `HTTP ${status}: ${msg.slice(0, 200)}`;
  }
  return `HTTP ${status}`;
}

export async function pushRekap(
  target: RekapTargetConfig,
  rawBody: string,
  idempotencyKey: string,
  opts: { timeoutMs?: number; fetchImpl?: typeof fetch } = {},
): Promise<RekapPushResult> {
  const url = new URL(
    REKAP_PATH,
    target.baseUrl.endsWith("/") ? target.baseUrl : `${target.baseUrl}/`,
  );
  let res: Response;
  try {
    res = await (opts.fetchImpl ?? fetch)(url, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        "idempotency-key": idempotencyKey,
        "x-signature": signRekap(target.key, rawBody),
      },
      body: rawBody,
      signal: AbortSignal.timeout(opts.timeoutMs ?? 15_000),
    });
  } catch (e) {
    return { kind: "transient", status: null, error: `network: ${(e as Error).message}` };
  }
  const text = await res.text();
  let body: unknown = null;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    body = null;
  }
  if (res.status === 200 || res.status === 201) {
    const parsed = RekapReceiptSchema.safeParse(body);
    if (!parsed.success) {
      // Accepted without a receipt we can show: retrying is safe (same Idempotency-Key).
      return { kind: "transient", status: res.status, error: "accepted without receipt_id" };
    }
    return {
      kind: "accepted",
      status: res.status,
      receiptId: parsed.data.receipt_id,
      response: body,
    };
  }
  if (res.status === 429 || res.status === 408 || res.status >= 500) {
    const after = parseRetryAfterMs(res.headers.get("retry-after"));
    return {
      kind: "transient",
      status: res.status,
      error: shortError(body, res.status),
      ...(after !== null ? { retryAfterMs: after } : {}),
    };
  }
  if (res.status === 401 || res.status === 403) {
    return { kind: "unauthorized", status: res.status, error: shortError(body, res.status) };
  }
  return {
    kind: "rejected",
    status: res.status,
    error: shortError(body, res.status),
    response: body,
  };
}
