// The shared adapter kit (issue 14): one Retry-After reader for every client, one capped
// body reader, one Graph error tree whose families keep each client's names and codes.
import { Readable } from "node:stream";
import type { AxiosResponse } from "axios";
import { describe, expect, it } from "vitest";
import { mediaTypeOf, readCappedBody } from "../../../../adapters/kit/capped-stream.js";
import { GraphApiError } from "../../../../adapters/kit/graph-errors.js";
import { parseRetryAfterMs } from "../../../../adapters/kit/retry-after.js";
import * as meta from "../../../../adapters/meta/meta.client.js";
import * as whatsapp from "../../../../adapters/whatsapp/whatsapp.client.js";

describe("parseRetryAfterMs", () => {
  const now = Date.parse("2023-02-01T00:00:00Z");
  it.each([
    ["2", 2000],
    [" 3 ", 3000],
    [7, 7000],
    ["0", 0],
    ["1.5", 1500],
    ["Wed, 01 Feb 2023 00:00:10 GMT", 10_000],
    // A date already past: go now.
    ["Tue, 31 Jan 2023 23:00:00 GMT", 0],
    ["soon", null],
    ["", null],
    ["-1", null],
    ["1.5.3", null],
    [null, null],
    [undefined, null],
    [["2"], null],
  ] as [unknown, number | null][])("%j → %j ms", (header, expected) => {
    expect(parseRetryAfterMs(header, now)).toBe(expected);
  });
});

function streamResponse(chunks: Buffer[], headers: Record<string, string> = {}) {
  return { status: 200, headers, data: Readable.from(chunks) } as unknown as AxiosResponse;
}

describe("readCappedBody", () => {
  const errors = {
    tooLarge: () => new Error("too large"),
    toError: (e: unknown) => (e instanceof Error ? e : new Error(String(e))),
  };
  it("returns the bytes and their SHA-256 within the cap", async () => {
    const r = await readCappedBody(
      streamResponse([Buffer.from("ab"), Buffer.from("c")]),
      new AbortController(),
      3,
      errors,
    );
    expect(r.bytes.toString()).toBe("abc");
    expect(r.sha256).toBe("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  });
  it("refuses on Content-Length before reading, aborting the request", async () => {
    const controller = new AbortController();
    await expect(
      readCappedBody(
        streamResponse([Buffer.from("a")], { "content-length": "10" }),
        controller,
        3,
        errors,
      ),
    ).rejects.toThrow("too large");
    expect(controller.signal.aborted).toBe(true);
  });
  it("refuses once the counted bytes pass the cap (no or lying Content-Length)", async () => {
    const controller = new AbortController();
    await expect(
      readCappedBody(
        streamResponse([Buffer.from("ab"), Buffer.from("cd")], { "content-length": "2" }),
        controller,
        3,
        errors,
      ),
    ).rejects.toThrow("too large");
    expect(controller.signal.aborted).toBe(true);
  });
  it("reads the media type of a Content-Type", () => {
    expect(mediaTypeOf("Image/JPEG; charset=binary")).toBe("image/jpeg");
    expect(mediaTypeOf(undefined)).toBe("application/octet-stream");
    expect(mediaTypeOf("")).toBe("application/octet-stream");
  });
});

// Every class of both families: same Graph tree, the client's own names, codes and base.
const families = [
  {
    prefix: "Meta",
    code: "META",
    base: meta.MetaError,
    classes: {
      AuthError: meta.MetaAuthError,
      RateLimitError: meta.MetaRateLimitError,
      TransientError: meta.MetaTransientError,
      WindowClosedError: meta.MetaWindowClosedError,
      PermanentError: meta.MetaPermanentError,
      ProtocolError: meta.MetaProtocolError,
      TextTooLongError: meta.MetaTextTooLongError,
      AttachmentTooLargeError: meta.MetaAttachmentTooLargeError,
    },
    other: whatsapp.WhatsAppError,
    classify: meta.classifyMetaError,
  },
  {
    prefix: "WhatsApp",
    code: "WHATSAPP",
    base: whatsapp.WhatsAppError,
    classes: {
      AuthError: whatsapp.WhatsAppAuthError,
      RateLimitError: whatsapp.WhatsAppRateLimitError,
      TransientError: whatsapp.WhatsAppTransientError,
      WindowClosedError: whatsapp.WhatsAppWindowClosedError,
      PermanentError: whatsapp.WhatsAppPermanentError,
      ProtocolError: whatsapp.WhatsAppProtocolError,
      TextTooLongError: whatsapp.WhatsAppTextTooLongError,
      MediaTooLargeError: whatsapp.WhatsAppMediaTooLargeError,
    },
    other: meta.MetaError,
    classify: whatsapp.classifyWhatsAppError,
  },
];

const graph = { code: 4, subcode: null, type: null, fbtraceId: "T1" };
const instances: Record<string, (C: never) => GraphApiError> = {
  AuthError: (C: new (s: number, g: unknown) => GraphApiError) => new C(401, graph),
  RateLimitError: (C: new (s: number, g: unknown, r: number) => GraphApiError) =>
    new C(429, graph, 1000),
  TransientError: (C: new (r: string, s: number, g: unknown) => GraphApiError) =>
    new C("HTTP 503", 503, graph),
  WindowClosedError: (C: new (s: number, g: unknown) => GraphApiError) => new C(400, graph),
  PermanentError: (C: new (s: number, g: unknown) => GraphApiError) => new C(400, graph),
  ProtocolError: (C: new (m: string, s: number) => GraphApiError) => new C("bad", 200),
  TextTooLongError: (C: new (l: number, m: number) => GraphApiError) => new C(5000, 2000),
  AttachmentTooLargeError: (C: new (m: number) => GraphApiError) => new C(10),
  MediaTooLargeError: (C: new (m: number) => GraphApiError) => new C(10),
};

describe.each(families)("$prefix Graph errors", (f) => {
  it.each(Object.entries(f.classes))("%s keeps its name, code and base", (kind, C) => {
    const make = instances[kind];
    expect(make).toBeDefined();
    const e = make!(C as never);
    expect(e.name).toBe(`${f.prefix}${kind}`);
    expect(C.name).toBe(`${f.prefix}${kind}`);
    const snake = kind
      .replace(/Error$/, "")
      .replace(/([a-z])([A-Z])/g, "$1_$2")
      .toUpperCase();
    expect(e.code).toBe(`${f.code}_${snake}`);
    expect(e).toBeInstanceOf(f.base);
    expect(e).toBeInstanceOf(GraphApiError);
    expect(e).not.toBeInstanceOf(f.other);
    expect(f.classify(e)).toBe(e.retryable ? "retry" : "stop");
    expect(e.retryable).toBe(kind === "RateLimitError" || kind === "TransientError");
  });
});
