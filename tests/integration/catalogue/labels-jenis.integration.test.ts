// The console's vocabularies come from the API (issue 14, items 4 and 8): every staff role
// reads the src/domain lists with their labels from GET /api/v1/catalogue/labels, a jenis an
// admin adds shows up in the jenis catalogue the console's dropdowns read, and staff set it
// on a case through PATCH /cases/{id}, which records the decision on the suggestion.
import {
  IMPORT_FIELD_LABELS,
  REVIEW_CODE_LABELS,
  REVIEW_CODES,
} from "../../../src/domain/legacy/import-labels.js";
import { CASE_EVENT_LABELS } from "../../../src/domain/case-events.js";
import { TABALONG_KECAMATAN } from "../../../src/domain/nik.js";
import { PROGRAMME_STAFF_LABELS, PROGRAMMES } from "../../../src/domain/narasi.js";
import { STATUS_SEEN, STATUS_SEEN_LABELS } from "../../../src/domain/reason-codes.js";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  BIDANG,
  BIDANG_CODES,
  CHANNEL_LABELS,
  CHANNELS,
  INTAKE_CHANNELS,
  ROLE_LABELS,
  ROLES,
  type Role,
} from "../../../src/domain/roles.js";
import { CASE_STATUSES, FINAL_STATUSES, STATUS_LABELS } from "../../../src/domain/workflow.js";
import {
  apiClient,
  resetDb,
  startTestHub,
  userWithToken,
  type TestHub,
} from "../../helpers/test-hub.js";
import { BULAN } from "../../../src/domain/legacy/indonesian-date.js";

type Entry = { code: string; label: string };
type Labels = {
  roles: Entry[];
  bidang: Entry[];
  channels: Entry[];
  intakeChannels: string[];
  statuses: Entry[];
  finalStatuses: string[];
  events: Entry[];
  programmes: Entry[];
  statusSeen: Entry[];
  kecamatan: string[];
  months: string[];
  monthsShort: string[];
};
type JenisCatalogue = { version: number; codes: Entry[] };
type CaseBody = {
  id: string;
  version: number;
  jenis: string | null;
  jenisSuggested: string | null;
  jenisDecision: string | null;
  events: { type: string; data: Record<string, unknown> }[];
};
type ErrorBody = { code: string; fields?: { field: string }[] };

const NEW_JENIS = { code: "BANTUAN_YATIM", label: "Bantuan anak yatim piatu" };

let hub: TestHub;
let clients: Record<Role, ReturnType<typeof apiClient>>;

beforeAll(async () => {
  hub = await startTestHub({ name: "labels-jenis" });
});
afterAll(async () => {
  await hub.close();
});
beforeEach(async () => {
  await resetDb(hub);
  const entries = await Promise.all(
    ROLES.map(async (role) => {
      const u = await userWithToken(
        hub,
        `u-${role}`,
        role,
        role === "penelaah" ? "LINJAMSOS" : undefined,
      );
      return [role, apiClient(hub, u.token)] as const;
    }),
  );
  clients = Object.fromEntries(entries) as typeof clients;
});

const intake = (keperluan: string) => ({
  channel: "datang_langsung",
  pelapor: { name: "Hatmiati", phone: "0858-4524-0653", desa: "Takulat", kecamatan: "Kelua" },
  keperluan,
});

describe("GET /api/v1/catalogue/labels", () => {
  it.each(ROLES)("answers %s with the src/domain lists and their labels, in order", async (r) => {
    const res = await clients[r].get<Labels>("/api/v1/catalogue/labels");
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      events: Object.entries(CASE_EVENT_LABELS).map(([code, label]) => ({ code, label })),
      roles: ROLES.map((code) => ({ code, label: ROLE_LABELS[code] })),
      bidang: BIDANG_CODES.map((code) => ({ code, label: BIDANG[code] })),
      channels: CHANNELS.map((code) => ({ code, label: CHANNEL_LABELS[code] })),
      intakeChannels: [...INTAKE_CHANNELS],
      statuses: CASE_STATUSES.map((code) => ({ code, label: STATUS_LABELS[code] })),
      finalStatuses: [...FINAL_STATUSES],
      programmes: PROGRAMMES.map((code) => ({ code, label: PROGRAMME_STAFF_LABELS[code] })),
      statusSeen: STATUS_SEEN.map((code) => ({ code, label: STATUS_SEEN_LABELS[code] })),
      kecamatan: expect.any(Array),
      months: [...BULAN],
      monthsShort: [
        "Jan",
        "Feb",
        "Mar",
        "Apr",
        "Mei",
        "Jun",
        "Jul",
        "Agu",
        "Sep",
        "Okt",
        "Nov",
        "Des",
      ],
      reviewPoints: REVIEW_CODES.map((code) => ({ code, label: REVIEW_CODE_LABELS[code] })),
      importFields: Object.entries(IMPORT_FIELD_LABELS).map(([code, label]) => ({
        code,
        label,
      })),
    });
    // The kecamatan of src/domain/nik.ts, every one once, in the order staff pick them.
    const kec = res.body.kecamatan;
    expect([...kec].sort()).toEqual(Object.values(TABALONG_KECAMATAN).sort());
    expect(kec).toEqual([...kec].sort((a, b) => a.localeCompare(b, "id")));
    expect(kec).toContain("Murung Pudak");
  });

  it("is not public", async () => {
    const res = await apiClient(hub).get<ErrorBody>("/api/v1/catalogue/labels");
    expect(res.status).toBe(401);
    expect(res.body.code).toBe("UNAUTHENTICATED");
  });
});

describe("a jenis an admin adds", () => {
  it("reaches what the console reads and can be set on a case, the decision recorded", async () => {
    const put = await clients.admin.put<JenisCatalogue>(
      `/api/v1/catalogue/jenis/${NEW_JENIS.code}`,
      { label: NEW_JENIS.label, note: "jenis baru" },
    );
    expect(put.status).toBe(200);
    // Every staff role's console reads the catalogue with the new code (dropdowns, labels).
    for (const role of ROLES) {
      const cat = await clients[role].get<JenisCatalogue>("/api/v1/catalogue/jenis");
      expect(cat.status, role).toBe(200);
      expect(cat.body.codes, role).toContainEqual(NEW_JENIS);
    }

    const fo = clients.front_office;
    const created = await fo.post<CaseBody>("/api/v1/cases", intake("Bantuan PKH belum cair"));
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      jenis: "PKH",
      jenisSuggested: "PKH",
      jenisDecision: "suggested",
    });
    const id = created.body.id;

    const set = await fo.patch<CaseBody>(`/api/v1/cases/${id}`, {
      version: created.body.version,
      jenis: NEW_JENIS.code,
    });
    expect(set.status).toBe(200);
    expect(set.body).toMatchObject({
      jenis: NEW_JENIS.code,
      jenisSuggested: "PKH",
      jenisDecision: "overridden",
      version: created.body.version + 1,
    });
    const updated = set.body.events.filter((e) => e.type === "case.updated");
    expect(updated).toHaveLength(1);
    expect(updated[0]!.data).toEqual({ jenis: { from: "PKH", to: NEW_JENIS.code } });
    const audits = await hub.ctx.db.prisma.auditLog.findMany({
      where: { action: "case.update", caseId: id },
    });
    expect(audits).toHaveLength(1);
    expect(audits[0]!.fields).toEqual(["jenis"]);

    // The inbox's jenis filter finds the case under the new code.
    const list = await fo.get<{ data: { id: string }[] }>(`/api/v1/cases?jenis=${NEW_JENIS.code}`);
    expect(list.status).toBe(200);
    expect(list.body.data.map((c) => c.id)).toEqual([id]);

    // Back to the suggestion: recorded as accepted.
    const back = await fo.patch<CaseBody>(`/api/v1/cases/${id}`, {
      version: set.body.version,
      jenis: "PKH",
    });
    expect(back.status).toBe(200);
    expect(back.body).toMatchObject({ jenis: "PKH", jenisDecision: "accepted" });
  });

  it("a code not in the catalogue is refused with JENIS_UNKNOWN and nothing changes", async () => {
    const fo = clients.front_office;
    const created = await fo.post<CaseBody>("/api/v1/cases", intake("Bantuan PKH belum cair"));
    const bad = await fo.patch<ErrorBody>(`/api/v1/cases/${created.body.id}`, {
      version: created.body.version,
      jenis: NEW_JENIS.code,
    });
    expect(bad.status).toBe(422);
    expect(bad.body.code).toBe("JENIS_UNKNOWN");
    expect(bad.body.fields?.[0]?.field).toBe("body.jenis");
    const now = await fo.get<CaseBody>(`/api/v1/cases/${created.body.id}`);
    expect(now.body).toMatchObject({
      version: created.body.version,
      jenis: "PKH",
      jenisDecision: "suggested",
    });
  });

  it("confirming the suggestion the intake applied records it as accepted", async () => {
    const fo = clients.koordinator;
    const created = await fo.post<CaseBody>("/api/v1/cases", intake("Bantuan PKH belum cair"));
    const ok = await fo.patch<CaseBody>(`/api/v1/cases/${created.body.id}`, {
      version: created.body.version,
      jenis: "PKH",
    });
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ jenis: "PKH", jenisDecision: "accepted" });
    const ev = ok.body.events.filter((e) => e.type === "case.updated");
    expect(ev.map((e) => e.data)).toEqual([{ jenisDecision: "accepted" }]);
  });
});

describe("a nullable bidang in the spec is Bidang or null ($ref NullableBidang)", () => {
  it("accepts every bidang code and null, refuses anything else naming the field", async () => {
    const admin = clients.admin;
    for (const value of [...BIDANG_CODES, null]) {
      const res = await admin.put<{ table: Record<string, string | null> }>(
        "/api/v1/catalogue/bidang-table",
        { table: { PKH: value } },
      );
      expect(res.status, String(value)).toBe(200);
      expect(res.body.table.PKH).toBe(value);
    }
    for (const value of ["dayasos", "BIDANG_LAIN", ""]) {
      const before = await hub.ctx.db.prisma.catalogueVersion.count();
      const res = await admin.put<ErrorBody>("/api/v1/catalogue/bidang-table", {
        table: { PKH: value },
      });
      expect(res.status, value).toBe(400);
      expect(res.body.code).toBe("VALIDATION_FAILED");
      expect(res.body.fields?.map((f) => f.field)).toContain("body.table.PKH");
      expect(await hub.ctx.db.prisma.catalogueVersion.count()).toBe(before);
    }
  });
});
