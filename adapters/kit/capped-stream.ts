// Reading a download without trusting its size: Content-Length first, then counting
// while it streams, aborting the request as soon as the cap is passed, so a huge or
// endless file never sits in memory.
import { createHash } from "node:crypto";
import type { Readable } from "node:stream";
import type { AxiosRequestConfig, AxiosResponse } from "axios";

/** Resolves the bytes, or null once more than `maxBytes` arrived (the request is aborted). */
export function readCapped(
  stream: Readable,
  maxBytes: number,
  controller: AbortController,
  toError: (error: unknown) => Error,
): Promise<Buffer | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let total = 0;
    let settled = false;
    const finish = (value: Buffer | null, error?: Error): void => {
      if (settled) return;
      settled = true;
      stream.removeAllListeners("data");
      if (error !== undefined) reject(error);
      else resolve(value);
    };
    stream.on("data", (chunk: Buffer | string) => {
      const buffer = typeof chunk === "string" ? Buffer.from(chunk) : chunk;
      total += buffer.length;
      if (total > maxBytes) {
        // Settle first: aborting makes axios destroy the stream with a CanceledError.
        finish(null);
        controller.abort();
        stream.destroy();
        return;
      }
      chunks.push(buffer);
    });
    stream.once("end", () => finish(Buffer.concat(chunks, total)));
    stream.once("error", (error: unknown) => finish(null, toError(error)));
  });
}

/**
 * The body of a 2xx stream response within `maxBytes` and its SHA-256; `tooLarge()` is
 * thrown when Content-Length or the bytes counted pass the cap.
 */
export async function readCappedBody(
  response: AxiosResponse<unknown>,
  controller: AbortController,
  maxBytes: number,
  errors: { tooLarge: () => Error; toError: (error: unknown) => Error },
): Promise<{ bytes: Buffer; sha256: string }> {
  const stream = response.data as Readable;
  const declared = Number(response.headers["content-length"]);
  if (Number.isFinite(declared) && declared > maxBytes) {
    controller.abort();
    stream.destroy();
    throw errors.tooLarge();
  }
  const bytes = await readCapped(stream, maxBytes, controller, errors.toError);
  if (bytes === null) throw errors.tooLarge();
  return { bytes, sha256: createHash("sha256").update(bytes).digest("hex") };
}

/** The media type of a Content-Type header, lower-cased; octet-stream when there is none. */
export function mediaTypeOf(contentType: unknown): string {
  return typeof contentType === "string" && contentType.length > 0
    ? (contentType.split(";")[0] ?? "").trim().toLowerCase()
    : "application/octet-stream";
}

export interface CappedDownload {
  readonly bytes: Buffer;
  readonly mime: string;
  readonly sha256: string;
}

/**
 * GET `url` through the client's `send` (its token, its error mapping) as a stream and
 * read it within `maxBytes`. A non-2xx answer is handed to `rejectStatus` with the first
 * 4 KiB of its body, which throws the client's error.
 */
export async function downloadCapped(
  send: (config: AxiosRequestConfig) => Promise<AxiosResponse<unknown>>,
  url: string,
  maxBytes: number,
  errors: {
    tooLarge: () => Error;
    toError: (error: unknown) => Error;
    rejectStatus: (response: AxiosResponse<unknown>, head: string) => never;
  },
): Promise<CappedDownload> {
  const controller = new AbortController();
  const response = await send({
    method: "GET",
    url,
    responseType: "stream",
    signal: controller.signal,
    headers: { Accept: "*/*" },
  });
  if (response.status < 200 || response.status >= 300) {
    const head = await readCapped(response.data as Readable, 4096, controller, errors.toError)
      .then((b) => b?.toString("utf8") ?? "")
      .catch(() => "");
    errors.rejectStatus(response, head);
  }
  const { bytes, sha256 } = await readCappedBody(response, controller, maxBytes, errors);
  return { bytes, mime: mediaTypeOf(response.headers["content-type"]), sha256 };
}
