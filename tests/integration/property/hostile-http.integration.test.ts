// Property-based HTTP tests (issue 10, item 2): generated hostile bodies against the
// staff intake, the signed WhatsApp webhook and the public form. Every answer is a 2xx or
// a 4xx with the error body {code, message} (never a 5xx), the hub stays healthy, and every
// webhook body answered 200 is stored as a RawMessage (nothing lost, nothing doubled).
import fc from "fast-check";
import nock from "nock";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  apiClient,
  resetDb,
  startTestHub,
  userWithToken,
  type TestHub,
} from "../../helpers/test-hub.js";
import { inboundQueue } from "../../../src/services/inbound.service.js";
import { computeMetaSignature } from "../../../adapters/meta/meta.signature.js";

const WA_SECRET = "wa-app-secret-properti-123";
const WA_VERIFY = "wa-verify-token-properti";
const RUNS = 200;

let hub: TestHub;
let token: string;

beforeAll(async () => {
  nock.disableNetConnect();
  nock.enableNetConnect("127.0.0.1");
  hub = await startTestHub({
    name: "property-hostile-http",
    env: {
      WHATSAPP_APP_SECRET: WA_SECRET,
      WHATSAPP_VERIFY_TOKEN: WA_VERIFY,
      // Rate limits would only turn later bodies into 429s; the property is about parsing.
      PUBLIC_FORM_PER_IP_PER_HOUR: "10000",
      PUBLIC_FORM_PER_PHONE_PER_HOUR: "10000",
    },
  });
  await resetDb(hub);
  token = (await userWithToken(hub, "fo-properti", "front_office")).token;
});

afterAll(async () => {
  await inboundQueue.idle();
  await hub?.close();
  nock.enableNetConnect();
});

const hostileString = fc.oneof(
  fc.string({ maxLength: 30 }),
  fc.string({ unit: "binary", maxLength: 30 }),
  fc.constantFrom(
    "",
    " ",
    "\u0000",
    "=cmd|' /C calc'!A0",
    '\'; DROP TABLE "Case"; --',
    "<script>alert(1)</script>",
    "../../etc/passwd",
    "\ud800",
    "𝕏".repeat(50),
    "9".repeat(400),
    "x".repeat(20_000),
  ),
);

const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  hostileString,
  fc.constantFrom(null, true, 0, -1, 1e308, [], {}, ["a"], { $gt: "" }, { __proto__: { a: 1 } }),
  fc.jsonValue({ maxDepth: 2 }),
);

/** A valid-looking object with one to three fields replaced, removed or added. */
function mutated(base: Record<string, unknown>, nested: string[]): fc.Arbitrary<unknown> {
  const keys = [...Object.keys(base), ...nested, "__proto__", "constructor", "extra"];
  return fc
    .array(fc.tuple(fc.constantFrom(...keys), fc.option(hostileValue, { freq: 4 })), {
      minLength: 1,
      maxLength: 3,
    })
    .map((edits) => {
      const copy = structuredClone(base);
      for (const [key, shared] of edits) {
        // A fresh copy of each value: fast-check hands out the same constant objects ({}, [])
        // again, so placing one inside itself (pelapor = {}, then pelapor.email = that {})
        // made a circular body, and edits leaked into later runs.
        const value = shared === null ? null : structuredClone(shared);
        const [outer, inner] = key.split(".");
        const target =
          inner !== undefined && copy[outer ?? ""] && typeof copy[outer ?? ""] === "object"
            ? (copy[outer ?? ""] as Record<string, unknown>)
            : copy;
        const k = inner ?? outer ?? "";
        if (value === null) delete target[k];
        else
          Object.defineProperty(target, k, {
            value,
            enumerable: true,
            writable: true,
            configurable: true,
          });
      }
      return copy;
    });
}

/** Body text: mutated valid JSON, any JSON, or bytes that are not JSON at all. */
function bodies(base: Record<string, unknown>, nested: string[]): fc.Arbitrary<string> {
  return fc.oneof(
    { weight: 5, arbitrary: mutated(base, nested).map((v) => JSON.stringify(v)) },
    { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 4 }).map((v) => JSON.stringify(v)) },
    {
      weight: 1,
      arbitrary: fc.oneof(
        fc.string({ unit: "binary", maxLength: 200 }),
        fc.constantFrom(
          "",
          "{",
          '{"a":',
          "[1,2",
          "null",
          '"\\ud800"',
          "{}".repeat(5000),
          "[".repeat(3000),
        ),
        fc.integer({ min: 1, max: 60 }).map((n) => "[".repeat(n * 100) + "]".repeat(n * 100)),
      ),
    },
  );
}

function expectClientOrSuccess(status: number, body: unknown, what: string): void {
  expect(status, what).toBeLessThan(500);
  if (status >= 400) {
    const b = body as { code?: unknown; message?: unknown } | null;
    expect(typeof b?.code, what).toBe("string");
    expect(typeof b?.message, what).toBe("string");
  }
}

async function post(path: string, body: string, headers: Record<string, string> = {}) {
  const res = await fetch(`${hub.url}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body,
  });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = text ? JSON.parse(text) : null;
  } catch {
    /* keep the text */
  }
  return { status: res.status, body: parsed };
}

const shortText = (s: string) => (s.length > 300 ? `${s.slice(0, 300)}… (${s.length})` : s);

describe("hostile bodies over HTTP (property)", () => {
  it("POST /api/v1/cases answers 2xx or 4xx {code, message}, never 5xx", async () => {
    const base = {
      channel: "datang_langsung",
      pelapor: { name: "Siti Rahmah", phone: "081254224300", nik: "6309014107850001" },
      keperluan: "Bantuan PKH belum cair sejak tiga bulan",
    };
    let created = 0;
    await fc.assert(
      fc.asyncProperty(
        bodies(base, [
          "pelapor.name",
          "pelapor.phone",
          "pelapor.nik",
          "pelapor.email",
          "pelapor.sex",
        ]),
        async (body) => {
          const r = await post("/api/v1/cases", body, { authorization: `Bearer ${token}` });
          expectClientOrSuccess(r.status, r.body, shortText(body));
          if (r.status === 201) created += 1;
        },
      ),
      { numRuns: RUNS, interruptAfterTimeLimit: 40_000 },
    );
    // Not only refusals: some mutations (an optional field dropped or replaced by a valid
    // value) are still valid intakes, and those must have been created.
    expect(created).toBeGreaterThan(0);
    const cases = await hub.ctx.db.sql.query<{ n: string }>(
      `SELECT count(*)::text AS n FROM "Case"`,
    );
    expect(Number(cases[0]?.n)).toBeGreaterThanOrEqual(created);
    expect((await apiClient(hub).get("/api/v1/health")).status).toBe(200);
  });

  it("POST /api/v1/public/complaints answers 2xx or 4xx {code, message}, never 5xx", async () => {
    const base = {
      name: "Yunita Diana",
      phone: "085248019792",
      desa: "Kelua",
      kecamatan: "Kelua",
      text: "Kartu KKS hilang, mohon dibantu",
      attachment: { fileName: "ktp.jpg", mime: "image/jpeg", contentBase64: "/9j/4AAQSkZJRg==" },
    };
    let received = 0;
    await fc.assert(
      fc.asyncProperty(
        bodies(base, ["attachment.fileName", "attachment.mime", "attachment.contentBase64"]),
        async (body) => {
          const r = await post("/api/v1/public/complaints", body);
          expectClientOrSuccess(r.status, r.body, shortText(body));
          if (r.status === 201) received += 1;
        },
      ),
      { numRuns: RUNS, interruptAfterTimeLimit: 40_000 },
    );
    expect(received).toBeGreaterThan(0);
    expect((await apiClient(hub).get("/api/v1/health")).status).toBe(200);
  });

  it("POST /webhooks/whatsapp (signed): never 5xx, and every 200 is one stored RawMessage", async () => {
    const message = {
      from: "6281254224300",
      id: "wamid.properti",
      timestamp: "1767600000",
      type: "text",
      text: { body: "Bantuan PKH belum cair" },
    };
    const value = {
      messaging_product: "whatsapp",
      metadata: { display_phone_number: "6282150000000", phone_number_id: "1234567890" },
      messages: [message],
    };
    const envelope = {
      object: "whatsapp_business_account",
      entry: [{ id: "102290129340398", changes: [{ field: "messages", value }] }],
    };
    const payloads = fc.oneof(
      bodies(envelope, ["entry"]),
      mutated(message, ["text.body", "image", "context"]).map((m) =>
        JSON.stringify({
          ...envelope,
          entry: [
            { id: "1", changes: [{ field: "messages", value: { ...value, messages: [m] } }] },
          ],
        }),
      ),
      mutated(value, ["metadata.phone_number_id", "statuses", "contacts"]).map((v) =>
        JSON.stringify({
          ...envelope,
          entry: [{ id: "1", changes: [{ field: "messages", value: v }] }],
        }),
      ),
    );
    const countStored = async (): Promise<number> => {
      const rows = await hub.ctx.db.sql.query<{ n: string }>(
        `SELECT count(*)::text AS n FROM "RawMessage" WHERE channel = 'whatsapp'`,
      );
      return Number(rows[0]?.n ?? 0);
    };
    const before = await countStored();
    let accepted = 0;
    let quarantined = 0;
    await fc.assert(
      fc.asyncProperty(payloads, async (body) => {
        const bytes = Buffer.from(body, "utf8");
        const r = await post("/webhooks/whatsapp", body, {
          "x-hub-signature-256": computeMetaSignature(bytes, WA_SECRET),
        });
        expectClientOrSuccess(r.status, r.body, shortText(body));
        if (r.status === 200) accepted += 1;
        // A signed body that is not JSON is kept (quarantined) for the operator, with a 400.
        if (r.status === 400 && (r.body as { code?: string }).code === "INVALID_JSON")
          quarantined += 1;
      }),
      { numRuns: RUNS, interruptAfterTimeLimit: 40_000 },
    );
    await inboundQueue.idle();
    expect(await countStored()).toBe(before + accepted + quarantined);
    // Processing the stored bodies must not have crashed the process either.
    expect((await apiClient(hub).get("/api/v1/health")).status).toBe(200);
    expect(accepted).toBeGreaterThan(0);
    // Each stored body was processed or quarantined with a reason; "stored" with an error
    // would mean the processor threw on it (the job would retry it for ever).
    const rows = await hub.ctx.db.sql.query<{ status: string; error: string | null }>(
      `SELECT status, error FROM "RawMessage" WHERE channel = 'whatsapp'`,
    );
    const stuck = rows.filter((row) => !["processed", "quarantined"].includes(row.status));
    expect(stuck.map((row) => `${row.status}: ${row.error ?? ""}`)).toEqual([]);
    for (const row of rows.filter((x) => x.status === "quarantined")) {
      expect(row.error, "quarantined without a reason").toBeTruthy();
    }
  });
});
