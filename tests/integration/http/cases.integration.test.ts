import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  apiClient,
  resetDb,
  startTestHub,
  userWithToken,
  type TestHub,
} from "../../helpers/test-hub.js";

type CaseBody = {
  id: string;
  number: string;
  status: string;
  version: number;
  parties: {
    role: string;
    name: string;
    phone: string | null;
    nikMasked: string | null;
    sex: string | null;
  }[];
  events: { type: string }[];
  jenis: string | null;
};

let hub: TestHub;
let fo: ReturnType<typeof apiClient>;
let admin: ReturnType<typeof apiClient>;

const intake = (over: Record<string, unknown> = {}) => ({
  channel: "datang_langsung",
  pelapor: {
    name: "Hatmiati",
    phone: "0858-4524-0653",
    desa: "Takulat",
    kecamatan: "Kelua",
    alamat: "Ds Takulat Rt 01",
  },
  keperluan: "Ingin mengaktifkan BPJS atas nama anak",
  ...over,
});

async function countCases(): Promise<number> {
  return hub.ctx.db.prisma.case.count();
}

beforeAll(async () => {
  hub = await startTestHub({ name: "cases" });
});
afterAll(async () => {
  await hub.close();
});
beforeEach(async () => {
  await resetDb(hub);
  fo = apiClient(hub, (await userWithToken(hub, "fo1", "front_office")).token);
  admin = apiClient(hub, (await userWithToken(hub, "admin1", "admin")).token);
});

describe("intake → list → get", () => {
  it("registers a walk-in case with a yearly number, E.164 phone and encrypted NIK", async () => {
    const res = await fo.post<CaseBody>(
      "/api/v1/cases",
      intake({
        receivedAt: "2026-03-02T01:00:00Z",
        atasNama: { name: "Muhammad Rizki", nik: "6309041203100001" },
      }),
    );
    expect(res.status).toBe(201);
    expect(res.body.number).toBe("ADU-2026-000001");
    expect(res.body.status).toBe("diterima");
    const pelapor = res.body.parties.find((p) => p.role === "pelapor")!;
    expect(pelapor.phone).toBe("+6285845240653");
    const atasNama = res.body.parties.find((p) => p.role === "atas_nama")!;
    expect(atasNama.nikMasked).toBe("6309********0001");
    expect(atasNama.sex).toBe("L");
    expect(res.body.events.map((e) => e.type)).toEqual(["case.created"]);

    const stored = await hub.ctx.db.prisma.party.findFirstOrThrow({ where: { role: "atas_nama" } });
    expect(Buffer.from(stored.nikCipher!).toString("utf8")).not.toContain("6309041203100001");
    expect(stored.nikHash).toMatch(/^[0-9a-f]{64}$/);

    const second = await fo.post<CaseBody>(
      "/api/v1/cases",
      intake({ receivedAt: "2026-03-02T02:00:00Z" }),
    );
    expect(second.body.number).toBe("ADU-2026-000002");
    // WITA: 2025-12-31T16:30Z is already 1 January 2026 in Tanjung.
    const ny = await fo.post<CaseBody>(
      "/api/v1/cases",
      intake({ receivedAt: "2025-12-31T15:30:00Z" }),
    );
    expect(ny.body.number).toBe("ADU-2025-000001");
  });

  it("lists newest first with a stable cursor and filters", async () => {
    const made: string[] = [];
    for (let i = 0; i < 7; i++) {
      const r = await fo.post<CaseBody>(
        "/api/v1/cases",
        intake({
          receivedAt: new Date(Date.UTC(2026, 0, 5, 1, i)).toISOString(),
          keperluan: `Saldo BPNT nol nomor ${i}`,
          channel: i % 2 ? "telepon" : "datang_langsung",
        }),
      );
      made.push(r.body.id);
    }
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { status: number; body: { data: { id: string }[]; nextCursor: string | null } } =
        await fo.get(`/api/v1/cases?limit=3${cursor ? `&cursor=${cursor}` : ""}`);
      expect(page.status).toBe(200);
      seen.push(...page.body.data.map((d) => d.id));
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(seen).toEqual([...made].reverse());

    const tel = await fo.get<{ data: { channel: string }[] }>("/api/v1/cases?channel=telepon");
    expect(tel.body.data).toHaveLength(3);
    expect(tel.body.data.every((d) => d.channel === "telepon")).toBe(true);
    const q = await fo.get<{ data: { keperluan: string }[] }>("/api/v1/cases?q=nomor%204");
    expect(q.body.data.map((d) => d.keperluan)).toEqual(["Saldo BPNT nol nomor 4"]);
    const byName = await fo.get<{ data: unknown[] }>("/api/v1/cases?q=hatmi");
    expect(byName.body.data).toHaveLength(7);
    const range = await fo.get<{ data: unknown[] }>(
      "/api/v1/cases?receivedFrom=2026-01-05T01:02:00Z&receivedTo=2026-01-05T01:04:00Z",
    );
    expect(range.body, JSON.stringify(range.body)).toHaveProperty("data");
    expect(range.body.data).toHaveLength(2);
    const bad = await fo.get("/api/v1/cases?cursor=bm9wZQ");
    expect(bad.status).toBe(400);
    expect(bad.body.code).toBe("CURSOR_INVALID");
  });

  it("gets one case with parties and timeline, and audits the read of personal data", async () => {
    const c = await fo.post<CaseBody>("/api/v1/cases", intake());
    const got = await fo.get<CaseBody>(`/api/v1/cases/${c.body.id}`);
    expect(got.status).toBe(200);
    expect(got.body.parties[0]!.name).toBe("Hatmiati");
    const reads = await hub.ctx.db.prisma.auditLog.findMany({
      where: { action: "case.read", caseId: c.body.id },
    });
    expect(reads).toHaveLength(1);
    expect(reads[0]!.fields).toEqual(expect.arrayContaining(["name", "phone", "alamat"]));
    // admin does not work cases: contact details are masked.
    const asAdmin = await admin.get<CaseBody>(`/api/v1/cases/${c.body.id}`);
    expect(asAdmin.body.parties[0]!.phone).toMatch(/^\+62858\*+653$/);
    const missing = await fo.get(`/api/v1/cases/00000000-0000-4000-8000-000000000000`);
    expect(missing.status).toBe(404);
    expect(missing.body.code).toBe("NOT_FOUND");
  });

  it("lists a case's messages (audited) and attachment metadata", async () => {
    const c = await fo.post<CaseBody>("/api/v1/cases", intake());
    expect((await fo.get(`/api/v1/cases/${c.body.id}/messages`)).body).toEqual({ data: [] });
    await hub.ctx.db.prisma.message.create({
      data: {
        caseId: c.body.id,
        direction: "out",
        channel: "datang_langsung",
        body: "Silakan bawa KK ke kantor",
        at: new Date("2026-03-02T03:00:00Z"),
        deliveryStatus: "delivered_in_person",
      },
    });
    await hub.ctx.db.prisma.attachment.create({
      data: {
        caseId: c.body.id,
        source: "whatsapp",
        fileName: "foto.jpg",
        mime: "image/jpeg",
        status: "refused",
        error: "melebihi batas",
      },
    });
    const msgs = await fo.get<{
      data: { body: string; direction: string; deliveryStatus: string }[];
    }>(`/api/v1/cases/${c.body.id}/messages`);
    expect(msgs.body.data).toEqual([
      expect.objectContaining({
        body: "Silakan bawa KK ke kantor",
        direction: "out",
        deliveryStatus: "delivered_in_person",
      }),
    ]);
    const reads = await hub.ctx.db.prisma.auditLog.count({
      where: { action: "case.messages.read", caseId: c.body.id },
    });
    expect(reads).toBe(1);
    const att = await fo.get<{ data: { fileName: string; status: string }[] }>(
      `/api/v1/cases/${c.body.id}/attachments`,
    );
    expect(att.body.data).toEqual([
      expect.objectContaining({ fileName: "foto.jpg", status: "refused" }),
    ]);
  });

  it("replays an intake sent twice with the same Idempotency-Key", async () => {
    const headers = { "idempotency-key": "form-7f3a9c21-offline" };
    const a = await fo.post<CaseBody>("/api/v1/cases", intake(), headers);
    const b = await fo.post<CaseBody>("/api/v1/cases", intake(), headers);
    expect(a.status).toBe(201);
    expect(b.status).toBe(200);
    expect(b.body.number).toBe(a.body.number);
    expect(await countCases()).toBe(1);
    const other = await fo.post(
      "/api/v1/cases",
      intake({ keperluan: "Lain sama sekali" }),
      headers,
    );
    expect(other.status).toBe(409);
    expect(other.body.code).toBe("IDEMPOTENCY_KEY_REUSED");
  });
});

describe("bad input changes nothing", () => {
  // Rows read [title, body, status, code, field]; the title shows all but the body.
  it.each(
    (
      [
        ["malformed JSON", '{"channel": "datang_langsung", ', 400, "INVALID_JSON", "body"],
        ["unknown field", { ...intake(), hacker: true }, 400, "VALIDATION_FAILED", "body.hacker"],
        ["wrong type", { ...intake(), keperluan: 42 }, 400, "VALIDATION_FAILED", "body.keperluan"],
        [
          "unknown channel",
          { ...intake(), channel: "lapor" },
          400,
          "VALIDATION_FAILED",
          "body.channel",
        ],
        [
          "bad NIK",
          intake({ pelapor: { name: "X", nik: "6309990000000000" } }),
          422,
          "NIK_INVALID",
          "body.pelapor.nik",
        ],
        [
          "short NIK",
          intake({ atasNama: { name: "Y", nik: "12345" } }),
          422,
          "NIK_INVALID",
          "body.atasNama.nik",
        ],
        [
          "not a phone",
          intake({ pelapor: { name: "X", phone: "12-ab" } }),
          422,
          "PHONE_INVALID",
          "body.pelapor.phone",
        ],
        [
          "future date",
          intake({ receivedAt: "2099-01-01T00:00:00Z" }),
          400,
          "VALIDATION_FAILED",
          "body.receivedAt",
        ],
      ] as const
    ).map(([name, body, status, code, field]) => [name, status, code, field, body] as const),
  )("%s → %i %s naming %s", async (_name, status, code, field, body) => {
    const res = await fo.post<{ code: string; fields: { field: string }[] }>("/api/v1/cases", body);
    expect(res.status).toBe(status);
    expect(res.body.code).toBe(code);
    expect(res.body.fields.map((f) => f.field)).toContain(field);
    expect(await countCases()).toBe(0);
  });

  it("refuses NUL characters and absurdly nested bodies with a 4xx, never a 500", async () => {
    const nul = await fo.post<{ code: string; fields: { field: string }[] }>(
      "/api/v1/cases",
      intake({ keperluan: "Saldo BPNT\u0000 nol" }),
    );
    expect(nul.status).toBe(400);
    expect(nul.body.fields[0]!.field).toBe("body.keperluan");
    const surrogate = await fo.post<{ fields: { field: string }[] }>(
      "/api/v1/cases",
      intake({ pelapor: { name: "\ud800" } }),
    );
    expect(surrogate.status).toBe(400);
    expect(surrogate.body.fields[0]!.field).toBe("body.pelapor.name");
    const depth = 5000;
    const deep = await fo.post("/api/v1/cases", "[".repeat(depth) + "]".repeat(depth));
    expect(deep.status).toBeGreaterThanOrEqual(400);
    expect(deep.status).toBeLessThan(500);
    expect(await countCases()).toBe(0);
  });

  it("refuses an oversized body with 413", async () => {
    const res = await fo.post("/api/v1/cases", intake({ keperluan: "x".repeat(1_100_000) }));
    expect(res.status).toBe(413);
    expect(res.body.code).toBe("PAYLOAD_TOO_LARGE");
    expect(await countCases()).toBe(0);
  });

  it("refuses a stale version with 409 and exactly one of two concurrent edits wins", async () => {
    const c = await fo.post<CaseBody>("/api/v1/cases", intake());
    const [a, b] = await Promise.all([
      fo.patch(`/api/v1/cases/${c.body.id}`, { version: 1, jenis: "BPNT" }),
      fo.patch(`/api/v1/cases/${c.body.id}`, { version: 1, jenis: "PKH" }),
    ]);
    expect([a.status, b.status].sort()).toEqual([200, 409]);
    const loser = a.status === 409 ? a : b;
    expect(loser.body.code).toBe("VERSION_CONFLICT");
    expect((loser.body.fields as { field: string }[])[0]!.field).toBe("body.version");
    const now = await fo.get<CaseBody>(`/api/v1/cases/${c.body.id}`);
    expect(now.body.version).toBe(2);
    expect(now.body.events.filter((e) => e.type === "case.updated")).toHaveLength(1);
  });
});
