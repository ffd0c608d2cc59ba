// Property-based tests (issue 10, item 2) of the inbound mappers: LAPOR! pages, WhatsApp
// and Messenger/Instagram webhooks, the Meta signature and parsed e-mails. For each: no
// throw on any JSON, every input item accounted for (mapped, ignored with a reason, or a
// problem with its path), no personal data where it must not be.
import fc from "fast-check";
import { simpleParser } from "mailparser";
import { describe, expect, it } from "vitest";
import { parseLaporanPage } from "../../../adapters/lapor/lapor.dto.js";
import {
  LAPOR_ISI_MAX_CHARS,
  itemErrorToMapError,
  mapLaporan,
  mapRawLaporan,
  type MapError,
  type MapErrorCode,
} from "../../../adapters/lapor/lapor.mapper.js";
import { mapWhatsAppPayload } from "../../../adapters/whatsapp/whatsapp.mapper.js";
import { mapMetaPayload } from "../../../adapters/meta/meta.mapper.js";
import {
  computeMetaSignature,
  verifyMetaSignature,
} from "../../../adapters/meta/meta.signature.js";
import {
  mapParsedMail,
  normalizeMessageId,
  parseMessageIdList,
  syntheticMessageId,
} from "../../../adapters/email/email.mapper.js";

const RUNS = { numRuns: 300, interruptAfterTimeLimit: 4_000 } as const;

const digit = fc.constantFrom(..."0123456789".split(""));
const digits = (min: number, max: number) =>
  fc.string({ unit: digit, minLength: min, maxLength: max });
const hexChar = fc.constantFrom(..."0123456789abcdef".split(""));

/** JSON-ish values with hostile strings inside. */
const anyJson = fc.oneof(
  fc.jsonValue(),
  fc.anything({ withNullPrototype: true, withObjectString: false, maxDepth: 3 }),
);

function shuffleKeys(value: unknown, seed: number): unknown {
  if (Array.isArray(value)) return value.map((v, i) => shuffleKeys(v, seed + i + 1));
  if (value === null || typeof value !== "object") return value;
  const entries = Object.entries(value as Record<string, unknown>);
  // Deterministic permutation from the seed: rotate, then reverse on odd seeds.
  const k = entries.length === 0 ? 0 : seed % entries.length;
  let order = [...entries.slice(k), ...entries.slice(0, k)];
  if (seed % 2 === 1) order = order.reverse();
  return Object.fromEntries(order.map(([key, v]) => [key, shuffleKeys(v, seed * 31 + 7)]));
}

// ---------------------------------------------------------------------------------------
// LAPOR!
// ---------------------------------------------------------------------------------------

const KNOWN_STATUSES = [
  "Belum Terverifikasi",
  "Terverifikasi",
  "Terdisposisi",
  "Ditindaklanjuti",
  "Selesai",
  "Diarsipkan",
];

const rfc3339 = fc
  .date({
    min: new Date("2015-01-01T00:00:00Z"),
    max: new Date("2030-12-31T00:00:00Z"),
    noInvalidDate: true,
  })
  .chain((d) =>
    fc.constantFrom(
      d.toISOString(),
      d.toISOString().replace("Z", "+08:00"),
      d.toISOString().replace(/\.\d+Z$/, "Z"),
    ),
  );

const laporan = fc.record({
  tracking_id: digits(5, 12),
  judul: fc.string({ maxLength: 80 }),
  isi: fc.string({ minLength: 1, maxLength: 400 }),
  klasifikasi: fc.constantFrom("pengaduan", "aspirasi", "permintaan_informasi"),
  kategori: fc.option(
    fc.record({ id: fc.integer({ min: 1, max: 999 }), nama: fc.string({ maxLength: 30 }) }),
    {
      nil: null,
    },
  ),
  status: fc.constantFrom(...KNOWN_STATUSES),
  rahasia: fc.boolean(),
  anonim: fc.boolean(),
  sumber: fc.constantFrom("web", "android", "ios", "sms", "twitter"),
  pelapor: fc.record({
    nama: fc.constantFrom("Siti Rahmah", "Ahmad Fauzi", "Yunita Diana"),
    telepon: fc.constantFrom("081254224300", "+62 852-4801-9792", "0062 813 4567 8901"),
    email: fc.constantFrom("siti.rahmah@example.id", "a.fauzi@example.id"),
  }),
  lokasi: fc.record({
    kecamatan: fc.constantFrom("Kelua", "Tanjung"),
    desa: fc.string({ maxLength: 20 }),
  }),
  lampiran: fc.array(
    fc.record({
      id: digits(1, 6),
      nama_file: fc.string({ maxLength: 20 }),
      mime: fc.constantFrom("image/jpeg", "application/pdf"),
      url: fc.webUrl(),
    }),
    { maxLength: 2 },
  ),
  tindak_lanjut: fc.array(
    fc.record({
      id: digits(1, 6),
      isi: fc.string({ maxLength: 40 }),
      oleh: fc.string({ maxLength: 20 }),
      dibuat_pada: rfc3339,
    }),
    { maxLength: 2 },
  ),
  dibuat_pada: rfc3339,
  diperbarui_pada: rfc3339,
});

type Corruption = {
  code: MapErrorCode;
  disposition: MapError["disposition"];
  apply: (o: Record<string, unknown>) => void;
};

const corruptions: fc.Arbitrary<Corruption> = fc.oneof(
  fc.constant<Corruption>({
    code: "LAPOR_TRACKING_ID_MISSING",
    disposition: "dead_letter",
    apply: (o) => delete o.tracking_id,
  }),
  fc.constantFrom("12a45", "1234", "", " ", "9".repeat(13)).map<Corruption>((bad) => ({
    code: bad === "" ? "LAPOR_TRACKING_ID_MISSING" : "LAPOR_TRACKING_ID_INVALID",
    disposition: "dead_letter",
    apply: (o) => (o.tracking_id = bad),
  })),
  fc
    .tuple(
      fc.constantFrom("dibuat_pada", "diperbarui_pada"),
      fc.constantFrom(
        "kemarin",
        "2023-01-05",
        "2023-13-01T10:00:00Z",
        "2023-01-05T10:00:00",
        "05/01/2023 10:00",
      ),
    )
    .map<Corruption>(([field, bad]) => ({
      code: "LAPOR_DATE_INVALID",
      disposition: "dead_letter",
      apply: (o) => (o[field] = bad),
    })),
  fc
    .string({ minLength: 1, maxLength: 20 })
    .filter((s) => !KNOWN_STATUSES.includes(s.trim()) && !KNOWN_STATUSES.includes(s))
    .map<Corruption>((bad) => ({
      code: "LAPOR_STATUS_UNKNOWN",
      disposition: "quarantine",
      apply: (o) => (o.status = bad),
    })),
  fc.constant<Corruption>({
    code: "LAPOR_ISI_TOO_LONG",
    disposition: "dead_letter",
    apply: (o) => (o.isi = "a".repeat(LAPOR_ISI_MAX_CHARS + 1)),
  }),
  fc.constant<Corruption>({
    code: "LAPOR_SCHEMA_INVALID",
    disposition: "dead_letter",
    apply: (o) => (o.rahasia = "ya"),
  }),
);

function mapPage(body: unknown): { mapped: number; errors: MapError[] } | null {
  const page = parseLaporanPage(body);
  if (!page.ok) return null;
  let mapped = 0;
  const errors: MapError[] = [];
  for (const item of page.page.items) {
    if (!item.ok) {
      errors.push(itemErrorToMapError(item));
      continue;
    }
    const r = mapLaporan(item.value);
    if (r.ok) mapped += 1;
    else errors.push(r.error);
  }
  return { mapped, errors };
}

describe("LAPOR! page and mapper (property)", () => {
  it("arbitrary JSON never throws: a page refusal or one result per item", () => {
    fc.assert(
      fc.property(anyJson, fc.array(anyJson, { maxLength: 5 }), (body, items) => {
        expect(() => parseLaporanPage(body)).not.toThrow();
        const r = mapPage({ data: items, next_cursor: null });
        expect(r).not.toBeNull();
        expect((r?.mapped ?? 0) + (r?.errors.length ?? 0)).toBe(items.length);
        for (const item of items) {
          const m = mapRawLaporan(item);
          if (!m.ok) expect(m.error.message.length).toBeGreaterThan(0);
        }
      }),
      RUNS,
    );
  });

  it("a page of N reports with k corrupted gives N − k cases and k errors with the right codes", () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(laporan, fc.option(corruptions, { freq: 3 })), {
          minLength: 1,
          maxLength: 12,
        }),
        (items) => {
          const data = items.map(([item, corruption]) => {
            const copy: Record<string, unknown> = structuredClone(item);
            corruption?.apply(copy);
            return copy;
          });
          const r = mapPage({ data, next_cursor: "c2" });
          expect(r).not.toBeNull();
          if (!r) return;
          const expected = items.flatMap(([, c]) => (c ? [c] : []));
          expect(r.mapped).toBe(items.length - expected.length);
          expect(r.errors.map((e) => [e.code, e.disposition])).toEqual(
            expected.map((c) => [c.code, c.disposition]),
          );
        },
      ),
      RUNS,
    );
  });

  it("a rahasia report never carries the reporter's identity", () => {
    fc.assert(
      fc.property(laporan, (item) => {
        const r = mapRawLaporan({ ...item, rahasia: true });
        expect(r.ok).toBe(true);
        if (!r.ok) return;
        expect(r.value.reporter).toBeNull();
        const json = JSON.stringify(r.value);
        expect(json).not.toContain(item.pelapor.nama);
        expect(json).not.toContain(item.pelapor.email);
        expect(json).not.toContain("4224300");
      }),
      RUNS,
    );
  });

  it("contentHash does not depend on the key order of the input", () => {
    fc.assert(
      fc.property(laporan, fc.nat({ max: 1000 }), (item, seed) => {
        const a = mapRawLaporan(item);
        const b = mapRawLaporan(shuffleKeys(item, seed));
        expect(a.ok && b.ok).toBe(true);
        if (a.ok && b.ok) expect(b.value.contentHash).toBe(a.value.contentHash);
      }),
      RUNS,
    );
  });

  // Currently FAILS: "2023-02-30T10:00:00Z" matches the RFC 3339 pattern and V8 rolls it
  // over to 2 March, so a date that does not exist is stored silently as another date.
  it("a calendar date that does not exist is LAPOR_DATE_INVALID, never rolled over", () => {
    fc.assert(
      fc.property(
        laporan,
        fc.integer({ min: 2016, max: 2030 }),
        fc.constantFrom("02-30", "02-31", "04-31", "06-31", "09-31", "11-31"),
        (item, year, md) => {
          const r = mapRawLaporan({ ...item, dibuat_pada: `${year}-${md}T10:00:00Z` });
          expect(r.ok ? r.value.receivedAt.toISOString() : r.error.code).toBe("LAPOR_DATE_INVALID");
        },
      ),
      { numRuns: 50 },
    );
  });
});

// ---------------------------------------------------------------------------------------
// WhatsApp
// ---------------------------------------------------------------------------------------

const waId = fc.constantFrom("6281254224300", "6285248019792", "628115551234", "14155550123");
const timestamp = fc.integer({ min: 1_600_000_000, max: 1_900_000_000 }).map(String);
const media = fc.record({
  id: digits(5, 12),
  mime_type: fc.constantFrom("image/jpeg", "application/pdf", "audio/ogg"),
  caption: fc.string({ maxLength: 20 }),
});

type WaGen = {
  body: Record<string, unknown>;
  valid: boolean;
  kind: "text" | "media" | "location" | "unknown";
};

const waMessage = (index: number): fc.Arbitrary<WaGen> =>
  fc
    .tuple(
      waId,
      timestamp,
      fc.oneof(
        fc.string({ maxLength: 200 }).map((body) => ({ type: "text", text: { body } })),
        fc
          .tuple(fc.constantFrom("image", "document", "audio", "video", "sticker"), media)
          .map(([t, m]) => ({ type: t, [t]: m })),
        fc.record({
          type: fc.constant("location"),
          location: fc.record({
            latitude: fc.double({ min: -90, max: 90, noNaN: true }),
            longitude: fc.double({ min: -180, max: 180, noNaN: true }),
          }),
        }),
        fc.record({
          type: fc.constant("button"),
          button: fc.record({ text: fc.string({ maxLength: 20 }) }),
        }),
        fc.record({
          type: fc.constant("reaction"),
          reaction: fc.record({ emoji: fc.constantFrom("👍", "🙏") }),
        }),
        fc
          .constantFrom("contacts", "order", "system", "unsupported", "ephemeral", "hologram")
          .map((t) => ({ type: t })),
      ),
      fc.option(fc.constantFrom("no-id", "bad-from", "bad-timestamp", "no-type"), { freq: 4 }),
    )
    .map(([from, ts, content, corruption]) => {
      const body: Record<string, unknown> = {
        from,
        id: `wamid.${index}`,
        timestamp: ts,
        ...content,
      };
      if (corruption === "no-id") delete body.id;
      if (corruption === "bad-from") body.from = "+62 812";
      if (corruption === "bad-timestamp") body.timestamp = "kemarin";
      if (corruption === "no-type") delete body.type;
      const type = String(content.type);
      const kind =
        type === "text" || type === "button"
          ? "text"
          : ["image", "document", "audio", "video", "sticker"].includes(type)
            ? "media"
            : type === "location"
              ? "location"
              : "unknown";
      return { body, valid: corruption === null, kind };
    });

const waStatus = (index: number) =>
  fc
    .tuple(fc.constantFrom("sent", "delivered", "read", "failed", "deleted"), timestamp, waId)
    .map(([status, ts, to]) => ({
      body: { id: `wamid.out.${index}`, status, timestamp: ts, recipient_id: to },
      known: status !== "deleted",
    }));

const indexed = <T>(make: (i: number) => fc.Arbitrary<T>, max: number) =>
  fc
    .integer({ min: 0, max })
    .chain((n) =>
      n === 0 ? fc.constant([] as T[]) : fc.tuple(...Array.from({ length: n }, (_, i) => make(i))),
    );

describe("mapWhatsAppPayload (property)", () => {
  it("arbitrary JSON never throws", () => {
    fc.assert(
      fc.property(anyJson, anyJson, (a, value) => {
        mapWhatsAppPayload(a);
        const r = mapWhatsAppPayload({
          object: "whatsapp_business_account",
          entry: [{ id: "1", changes: [{ field: "messages", value }] }],
        });
        expect(r.messages.length + r.statuses.length + r.problems.length).toBeGreaterThanOrEqual(0);
      }),
      RUNS,
    );
  });

  it("every message and status is mapped or named in problems; unknown types are kept", () => {
    fc.assert(
      fc.property(indexed(waMessage, 10), indexed(waStatus, 5), (messages, statuses) => {
        const r = mapWhatsAppPayload({
          object: "whatsapp_business_account",
          entry: [
            {
              id: "102290129340398",
              changes: [
                {
                  field: "messages",
                  value: {
                    messaging_product: "whatsapp",
                    metadata: {
                      display_phone_number: "6282150000000",
                      phone_number_id: "1234567890",
                    },
                    contacts: [{ wa_id: "6281254224300", profile: { name: "Siti" } }],
                    messages: messages.map((m) => m.body),
                    statuses: statuses.map((s) => s.body),
                  },
                },
              ],
            },
          ],
        });
        const path = (kind: string, i: number) => `entry.0.changes.0.value.${kind}.${i}`;
        const mappedIds = new Set(r.messages.map((m) => m.externalId));
        expect(mappedIds.size).toBe(r.messages.length);
        messages.forEach((m, i) => {
          const inMessages = mappedIds.has(`wamid.${i}`);
          const problem = r.problems.some(
            (p) => p.path === path("messages", i) || p.path.startsWith(`${path("messages", i)}.`),
          );
          expect(inMessages || problem, `message ${i}`).toBe(true);
          if (m.valid) {
            expect(inMessages).toBe(true);
            expect(r.messages.find((x) => x.externalId === `wamid.${i}`)?.kind).toBe(m.kind);
          } else expect(inMessages).toBe(false);
        });
        expect(r.messages.length).toBe(messages.filter((m) => m.valid).length);
        statuses.forEach((s, i) => {
          const mapped = r.statuses.find((x) => x.externalId === `wamid.out.${i}`);
          if (s.known) expect(mapped?.status).toBe(s.body.status);
          else {
            expect(mapped).toBeUndefined();
            expect(r.problems.some((p) => p.path === `${path("statuses", i)}.status`)).toBe(true);
          }
        });
        // Problems name paths and schema messages only, never a body or a phone.
        for (const p of r.problems) expect(p.message).not.toMatch(/6281254224300|wamid/);
      }),
      RUNS,
    );
  });
});

// ---------------------------------------------------------------------------------------
// Messenger / Instagram
// ---------------------------------------------------------------------------------------

type MetaGen = { body: unknown; outcome: "message" | "ignored" | "problem"; mid: string | null };

const metaEvent = (index: number): fc.Arbitrary<MetaGen> => {
  const mid = `m_${index}`;
  const base = {
    sender: { id: `psid${index}` },
    recipient: { id: "page1" },
    timestamp: 1_700_000_000_000 + index,
  };
  return fc.oneof(
    fc.string({ maxLength: 100 }).map((text) => ({
      body: { ...base, message: { mid, text } },
      outcome: "message" as const,
      mid,
    })),
    fc
      .array(
        fc.record({
          type: fc.constantFrom(
            "image",
            "video",
            "audio",
            "file",
            "share",
            "story_mention",
            "ig_reel",
            "location",
          ),
          payload: fc.record({ url: fc.webUrl() }),
        }),
        { minLength: 1, maxLength: 3 },
      )
      .map((attachments) => ({
        body: { ...base, message: { mid, attachments } },
        outcome: "message" as const,
        mid,
      })),
    fc.constant({
      body: { ...base, message: { mid, is_unsupported: true } },
      outcome: "message" as const,
      mid,
    }),
    fc.constant({
      body: { ...base, message: { mid, text: "balasan kami", is_echo: true } },
      outcome: "ignored" as const,
      mid,
    }),
    fc.constant({
      body: { ...base, message: { mid, is_deleted: true } },
      outcome: "ignored" as const,
      mid,
    }),
    fc.constant({
      body: { ...base, read: { watermark: 1 } },
      outcome: "ignored" as const,
      mid: null,
    }),
    fc.constant({
      body: { ...base, delivery: { mids: [mid] } },
      outcome: "ignored" as const,
      mid: null,
    }),
    fc.constant({
      body: { ...base, reaction: { mid, action: "react", emoji: "👍" } },
      outcome: "ignored" as const,
      mid: null,
    }),
    fc.constant({
      body: { ...base, postback: { title: "Mulai", payload: "GET_STARTED" } },
      outcome: "ignored" as const,
      mid: null,
    }),
    fc.constant({ body: { ...base }, outcome: "ignored" as const, mid: null }),
    fc
      .constantFrom<unknown>(
        { ...base, sender: {} },
        { ...base, timestamp: "kemarin" },
        { ...base, message: { text: "tanpa mid" } },
        null,
        "teks",
        42,
      )
      .map((body) => ({ body, outcome: "problem" as const, mid: null })),
  );
};

describe("mapMetaPayload (property)", () => {
  it("arbitrary JSON never throws", () => {
    fc.assert(
      fc.property(anyJson, fc.array(anyJson, { maxLength: 4 }), (a, messaging) => {
        mapMetaPayload(a);
        mapMetaPayload({ object: "page", entry: [{ id: "1", messaging }] });
      }),
      RUNS,
    );
  });

  it("every event is a message, an ignored event with a reason (echoes included), or a problem", () => {
    fc.assert(
      fc.property(
        fc.constantFrom("page", "instagram"),
        indexed(metaEvent, 12),
        (object, events) => {
          const r = mapMetaPayload({
            object,
            entry: [{ id: "page1", time: 1, messaging: events.map((e) => e.body) }],
          });
          const path = (i: number) => `entry.0.messaging.${i}`;
          events.forEach((e, i) => {
            const asMessage = e.mid !== null && r.messages.some((m) => m.externalId === e.mid);
            const asIgnored = r.ignored.filter((g) => g.path === path(i));
            const asProblem = r.problems.some(
              (p) => p.path === path(i) || p.path.startsWith(`${path(i)}.`),
            );
            if (e.outcome === "message") {
              expect(asMessage, `event ${i}`).toBe(true);
              expect(asIgnored).toHaveLength(0);
            } else if (e.outcome === "ignored") {
              expect(asMessage).toBe(false);
              expect(asIgnored, `event ${i}`).toHaveLength(1);
            } else {
              expect(asProblem, `event ${i}`).toBe(true);
              expect(asIgnored).toHaveLength(0);
            }
          });
          expect(r.messages.length).toBe(events.filter((e) => e.outcome === "message").length);
          expect(r.ignored.length).toBe(events.filter((e) => e.outcome === "ignored").length);
          const echoes = events.flatMap((e, i) =>
            (e.body as { message?: { is_echo?: boolean } } | null)?.message?.is_echo ? [i] : [],
          );
          for (const i of echoes)
            expect(r.ignored.find((g) => g.path === path(i))?.reason).toBe("echo");
        },
      ),
      RUNS,
    );
  });
});

// ---------------------------------------------------------------------------------------
// Meta signature
// ---------------------------------------------------------------------------------------

describe("verifyMetaSignature (property)", () => {
  const body = fc.uint8Array({ maxLength: 2048 }).map((a) => Buffer.from(a));
  const secret = fc.string({ minLength: 1, maxLength: 64 });

  it("the computed signature verifies; any one-byte flip of body or signature fails", () => {
    fc.assert(
      fc.property(
        body,
        secret,
        fc.nat(),
        fc.integer({ min: 1, max: 255 }),
        fc.nat({ max: 63 }),
        (b, s, at, xor, sigAt) => {
          const sig = computeMetaSignature(b, s);
          expect(verifyMetaSignature(b, sig, s).ok).toBe(true);
          expect(
            verifyMetaSignature(b, sig.toUpperCase().replace("SHA256=", "sha256="), s).ok,
          ).toBe(true);
          if (b.length > 0) {
            const flipped = Buffer.from(b);
            const i = at % b.length;
            flipped[i] = (flipped[i] ?? 0) ^ xor;
            const r = verifyMetaSignature(flipped, sig, s);
            expect(!r.ok && r.error.code).toBe("SIGNATURE_INVALID");
          }
          const hex = sig.slice(7);
          const c = hex[sigAt] ?? "0";
          const other = "0123456789abcdef".split("").find((x) => x !== c) ?? "1";
          const badSig = `sha256=${hex.slice(0, sigAt)}${other}${hex.slice(sigAt + 1)}`;
          const r = verifyMetaSignature(b, badSig, s);
          expect(!r.ok && r.error.code).toBe("SIGNATURE_INVALID");
        },
      ),
      RUNS,
    );
  });

  it("random headers never throw and never verify", () => {
    fc.assert(
      fc.property(
        body,
        secret,
        fc.oneof(
          fc.string({ unit: "binary", maxLength: 100 }),
          fc.string({ unit: hexChar, minLength: 64, maxLength: 64 }).map((h) => `sha256=${h}`),
          fc.string({ unit: hexChar, minLength: 0, maxLength: 130 }).map((h) => `sha256=${h}`),
          fc.string({ unit: hexChar, minLength: 40, maxLength: 40 }).map((h) => `sha1=${h}`),
        ),
        (b, s, header) => {
          const r = verifyMetaSignature(b, header, s);
          expect(r.ok).toBe(header.trim() === computeMetaSignature(b, s));
          if (!r.ok) expect(["SIGNATURE_MISSING", "SIGNATURE_INVALID"]).toContain(r.error.code);
        },
      ),
      RUNS,
    );
  });
});

// ---------------------------------------------------------------------------------------
// E-mail
// ---------------------------------------------------------------------------------------

const idPart = fc.string({
  unit: fc.constantFrom(..."abcdefghijklmnopqrstuvwxyz0123456789.-_$".split("")),
  minLength: 1,
  maxLength: 20,
});
const messageId = fc
  .tuple(idPart, fc.constantFrom("mail.example.id", "gmail.com", "x.y"))
  .map(([l, d]) => `${l}@${d}`);

function encodedWord(text: string): string {
  return `=?UTF-8?B?${Buffer.from(text, "utf8").toString("base64")}?=`;
}

const mailArb = fc.record({
  subject: fc.oneof(
    fc.string({ maxLength: 60 }),
    fc.constantFrom(
      "Bantuan PKH belum cair",
      "Re: [ADU-2026-000123] balasan",
      "Kartu KKS hilang — mohon bantuan 🙏",
      "ÄÖÜ ẞ 漢字",
    ),
  ),
  messageId: fc.option(messageId, { nil: null }),
  inReplyTo: fc.array(messageId, { maxLength: 3 }),
  body: fc.string({ maxLength: 300 }),
  attachments: fc.array(
    fc.record({
      name: fc.constantFrom("ktp.jpg", "surat.pdf", "data (1).xlsx"),
      bytes: fc.uint8Array({ maxLength: 200 }),
    }),
    { maxLength: 2 },
  ),
  uid: fc.integer({ min: 1, max: 2 ** 31 }),
  uidValidity: fc.integer({ min: 1, max: 2 ** 31 }),
});

type MailGen = typeof mailArb extends fc.Arbitrary<infer T> ? T : never;

function rfc822(m: MailGen): string {
  const lines = [
    "From: Warga <warga@example.id>",
    "To: aduan@dinsos.tabalongkab.go.id",
    `Subject: ${encodedWord(m.subject)}`,
    "Date: Mon, 05 Jan 2026 10:00:00 +0800",
    ...(m.messageId ? [`Message-ID: <${m.messageId}>`] : []),
    ...(m.inReplyTo.length > 0
      ? [`In-Reply-To: ${m.inReplyTo.map((i) => `<${i}>`).join(" ")}`]
      : []),
    "MIME-Version: 1.0",
  ];
  const text = Buffer.from(m.body, "utf8").toString("base64");
  if (m.attachments.length === 0) {
    return [
      ...lines,
      "Content-Type: text/plain; charset=utf-8",
      "Content-Transfer-Encoding: base64",
      "",
      text,
      "",
    ].join("\r\n");
  }
  const boundary = "==batas-uji-123==";
  const parts = [
    `--${boundary}`,
    "Content-Type: text/plain; charset=utf-8",
    "Content-Transfer-Encoding: base64",
    "",
    text,
    ...m.attachments.flatMap((a) => [
      `--${boundary}`,
      `Content-Type: application/octet-stream; name="${a.name}"`,
      `Content-Disposition: attachment; filename="${a.name}"`,
      "Content-Transfer-Encoding: base64",
      "",
      Buffer.from(a.bytes).toString("base64"),
    ]),
    `--${boundary}--`,
    "",
  ];
  return [...lines, `Content-Type: multipart/mixed; boundary="${boundary}"`, "", ...parts].join(
    "\r\n",
  );
}

describe("mapParsedMail (property)", () => {
  it("normalizeMessageId is idempotent and parseMessageIdList never throws", () => {
    fc.assert(
      fc.property(
        fc.string({ unit: "binary", maxLength: 60 }),
        fc.array(fc.string({ maxLength: 30 }), { maxLength: 4 }),
        (raw, list) => {
          const once = normalizeMessageId(raw);
          if (once !== null) expect(normalizeMessageId(once)).toBe(once);
          if (once !== null) expect(normalizeMessageId(`<${once}>`)).toBe(once);
          for (const id of parseMessageIdList(list)) expect(normalizeMessageId(id)).toBe(id);
        },
      ),
      RUNS,
    );
  });

  it("generated RFC 822 mails map without throwing; ids, replies and attachments kept", async () => {
    await fc.assert(
      fc.asyncProperty(mailArb, async (m) => {
        const parsed = await simpleParser(rfc822(m));
        const source = {
          mailbox: "INBOX",
          uidValidity: m.uidValidity,
          uid: m.uid,
          internalDate: new Date("2026-01-05T02:00:00Z"),
        };
        const mail = mapParsedMail(parsed, source);
        expect(mail.subject).toBe(m.subject.replace(/[\r\n]+/g, " ").trim());
        if (m.messageId) {
          expect(mail.syntheticId).toBe(false);
          expect(mail.externalId).toBe(m.messageId);
        } else {
          expect(mail.syntheticId).toBe(true);
          expect(mail.externalId).toBe(syntheticMessageId(source));
          const again = mapParsedMail(await simpleParser(rfc822(m)), { ...source });
          expect(again.externalId).toBe(mail.externalId);
        }
        expect(mail.inReplyTo).toEqual([...new Set(m.inReplyTo)]);
        expect(mail.attachments.map((a) => a.size)).toEqual(
          m.attachments.map((a) => a.bytes.length),
        );
        expect(mail.text).toBe(m.body.trim());
      }),
      { numRuns: 120, interruptAfterTimeLimit: 6_000 },
    );
  });

  it("the synthetic id depends only on (mailbox, uidValidity, uid)", () => {
    fc.assert(
      fc.property(
        fc.string({ maxLength: 20 }),
        fc.integer({ min: 1, max: 2 ** 31 }),
        fc.integer({ min: 1, max: 2 ** 31 }),
        (mailbox, v, uid) => {
          const a = syntheticMessageId({ mailbox, uidValidity: v, uid });
          expect(syntheticMessageId({ mailbox, uidValidity: String(v), uid })).toBe(a);
          expect(syntheticMessageId({ mailbox, uidValidity: BigInt(v), uid })).toBe(a);
          expect(syntheticMessageId({ mailbox, uidValidity: v, uid: uid + 1 })).not.toBe(a);
        },
      ),
      RUNS,
    );
  });
});
