// The intake contract: every channel (desk, web form, WhatsApp, Facebook, Instagram,
// e-mail, LAPOR! sync, LAPOR! export import, legacy import) is driven end to end on
// PostgreSQL through its real entry point, and every case it produces is checked against
// the SAME invariants (src/intake: one pipeline, one list of steps):
//   office · number · jenis suggested from the text · deadline running from intake for
//   every open status · one timeline event · one audit row naming the actor · parties
//   normalised (E.164, NIK hashed and encrypted, e-mail lower case) · acknowledgement where
//   the channel has one.
// Release 1 failed it for LAPOR! (no jenis, no deadline, no audit) and the imports.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import nock from "nock";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  apiClient,
  resetDb,
  startTestHub,
  userWithToken,
  type TestHub,
} from "../../helpers/test-hub.js";
import { dovecotSkipReason, startDovecot, type DovecotServer } from "../../helpers/dovecot.js";
import { inboundQueue } from "../../../src/services/inbound.service.js";
import {
  createLaporSandbox,
  type RunningSandbox,
} from "../../../adapters/lapor/sandbox/lapor-sandbox.js";
import { createLaporClient, createLaporSource } from "../../../adapters/lapor/lapor.sync.js";
import { runSync } from "../../../src/sync/sync-engine.js";
import { suggestJenis } from "../../../src/domain/jenis.js";
import { defaultSlaPolicy } from "../../../src/domain/sla-policy.js";
import { defaultBidangTable, FINAL_STATUSES, suggestBidang } from "../../../src/domain/workflow.js";
import { SYSTEM_ACTORS } from "../../../src/intake/pipeline.js";
import {
  META_SECRET,
  META_VERIFY,
  metaMessage,
  postSigned,
  WA_PHONE_ID,
  WA_SECRET,
  WA_VERIFY,
  waPayload,
  waText,
} from "../channels/helpers.js";
import { FAST_RETRY } from "../sync/lapor-harness.js";

const OFFICE_A = "6309-DINSOS";
const OFFICE_B = "6310-DINSOS";
const NIK = "6309014507800003";
const dovecotSkip = await dovecotSkipReason();

type Expect = {
  channel: string;
  office: string;
  actor: string;
  /** The channel sends (or shows) an automatic tanda terima. */
  ack: boolean;
};

/** What one channel produced: its case ids and what each must satisfy. */
const produced = new Map<string, { ids: string[]; expect: Expect }>();

let hub: TestHub;
let dataDir: string;
let lapor: RunningSandbox;
let dovecot: DovecotServer | null = null;

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), "aduan-intake-"));
  const sandbox = createLaporSandbox({ count: 40, seed: 11 });
  lapor = await sandbox.start(0, "127.0.0.1");
  if (dovecotSkip === null) dovecot = await startDovecot();
  hub = await startTestHub({
    name: "intake-contract",
    env: {
      ADUAN_DATA_DIR: dataDir,
      LAPOR_BASE_URL: lapor.url,
      LAPOR_TOKEN: sandbox.state.token,
      LAPOR_PAGE_SIZE: "15",
      LAPOR_ATTACHMENTS: "false",
      WHATSAPP_APP_SECRET: WA_SECRET,
      WHATSAPP_VERIFY_TOKEN: WA_VERIFY,
      WHATSAPP_ACCESS_TOKEN: "EAAG-test-token-123",
      WHATSAPP_PHONE_NUMBER_ID: WA_PHONE_ID,
      META_APP_SECRET: META_SECRET,
      META_VERIFY_TOKEN: META_VERIFY,
      META_PAGE_ACCESS_TOKEN: "EAAB-page-token-123",
      ...(dovecot
        ? {
            IMAP_HOST: dovecot.host,
            IMAP_PORT: String(dovecot.port),
            IMAP_SECURE: "false",
            IMAP_USER: dovecot.user,
            IMAP_PASSWORD: dovecot.password,
            SMTP_HOST: "127.0.0.1",
            SMTP_PORT: "1",
            SMTP_FROM: "Pengaduan Dinsos <pengaduan@dinsos.example.test>",
          }
        : {}),
    },
  });
  // The test database is shared with the other files of this worker: start empty.
  await resetDb(hub);
  nock.disableNetConnect();
  nock.enableNetConnect("127.0.0.1");
}, 120_000);

afterAll(async () => {
  await inboundQueue.idle();
  nock.enableNetConnect();
  await hub?.close();
  await lapor?.close();
  await dovecot?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

async function newCaseIds(before: Set<string>): Promise<string[]> {
  const rows = await hub.ctx.db.sql.query<{ id: string }>(`SELECT id FROM "Case"`);
  return rows.map((r) => r.id).filter((id) => !before.has(id));
}
async function allIds(): Promise<Set<string>> {
  return new Set(
    (await hub.ctx.db.sql.query<{ id: string }>(`SELECT id FROM "Case"`)).map((r) => r.id),
  );
}
async function drive(name: string, expect_: Expect, run: () => Promise<void>): Promise<void> {
  const before = await allIds();
  await run();
  await inboundQueue.idle();
  const ids = await newCaseIds(before);
  produced.set(name, { ids, expect: expect_ });
}

const upload = (token: string, path: string, body: Buffer | string, type: string, name: string) =>
  fetch(`${hub.url}${path}`, {
    method: "POST",
    headers: { authorization: `Bearer ${token}`, "content-type": type, "x-file-name": name },
    body,
  });

const meta = metaMessage;

const CHANNELS: { name: string; run: () => Promise<void>; expect: () => Expect }[] = [
  {
    name: "desk (office A)",
    expect: () => ({ channel: "datang_langsung", office: OFFICE_A, actor: "fo-a", ack: false }),
    run: async () => {
      const { token } = await userWithToken(hub, "fo-a", "front_office");
      const r = await apiClient(hub, token).post("/api/v1/cases", {
        channel: "datang_langsung",
        pelapor: { name: "  Siti Aisyah ", phone: "0812-5110-7788", nik: NIK },
        atasNama: { name: "Abdul Hamid", phone: "+62 813 4800 1122" },
        keperluan: "Bantuan PKH ibu saya tidak cair sejak Maret",
      });
      expect(r.status, JSON.stringify(r.body)).toBe(201);
    },
  },
  {
    name: "desk (office B)",
    expect: () => ({ channel: "telepon", office: OFFICE_B, actor: "fo-b", ack: false }),
    run: async () => {
      const { token } = await userWithToken(hub, "fo-b", "front_office", undefined, OFFICE_B);
      const r = await apiClient(hub, token).post("/api/v1/cases", {
        channel: "telepon",
        pelapor: { name: "Rahmah", phone: "085248019792", email: "Rahmah@Example.TEST" },
        keperluan: "Kartu KKS saya hilang waktu banjir",
      });
      expect(r.status, JSON.stringify(r.body)).toBe(201);
    },
  },
  {
    name: "web form",
    expect: () => ({
      channel: "website",
      office: OFFICE_A,
      actor: SYSTEM_ACTORS.website,
      ack: true,
    }),
    run: async () => {
      const r = await apiClient(hub).post("/api/v1/public/complaints", {
        name: "Rusmini",
        phone: "0812-5422-4300",
        desa: "Pembataan",
        kecamatan: "Murung Pudak",
        text: "Beras RASDA untuk lansia di desa kami belum dibagikan",
      });
      expect(r.status, JSON.stringify(r.body)).toBe(201);
    },
  },
  {
    name: "WhatsApp",
    expect: () => ({
      channel: "whatsapp",
      office: OFFICE_A,
      actor: SYSTEM_ACTORS.whatsapp,
      ack: true,
    }),
    run: async () => {
      const body = waPayload(
        [waText("6281254224301", "wamid.CONTRACT1", "Saldo BPNT bulan ini kosong")],
        {
          contacts: [{ wa_id: "6281254224301", name: "Mahrita" }],
        },
      );
      expect(
        (await postSigned(`${hub.url}/webhooks/whatsapp`, JSON.stringify(body), WA_SECRET)).status,
      ).toBe(200);
    },
  },
  {
    name: "Facebook",
    expect: () => ({
      channel: "facebook",
      office: OFFICE_A,
      actor: SYSTEM_ACTORS.facebook,
      ack: true,
    }),
    run: async () => {
      const body = JSON.stringify(
        meta("page", "PSID-C1", "m_contract_1", "Bantuan RASDA belum diterima"),
      );
      expect((await postSigned(`${hub.url}/webhooks/meta`, body, META_SECRET)).status).toBe(200);
    },
  },
  {
    name: "Instagram",
    expect: () => ({
      channel: "instagram",
      office: OFFICE_A,
      actor: SYSTEM_ACTORS.instagram,
      ack: true,
    }),
    run: async () => {
      const body = JSON.stringify(
        meta("instagram", "IGSID-C1", "ig_contract_1", "Rumah saya belum disurvei RUTILAHU"),
      );
      expect((await postSigned(`${hub.url}/webhooks/meta`, body, META_SECRET)).status).toBe(200);
    },
  },
  {
    name: "e-mail",
    expect: () => ({ channel: "email", office: OFFICE_A, actor: SYSTEM_ACTORS.email, ack: true }),
    run: async () => {
      if (!dovecot) return;
      await dovecot.append(
        "INBOX",
        [
          "From: Warga Uji <Warga.Uji@Example.TEST>",
          "To: Pengaduan Dinsos <pengaduan@dinsos.example.test>",
          "Subject: Reaktivasi BPJS PBI",
          `Message-ID: <contract-1@example.test>`,
          `Date: ${new Date().toUTCString()}`,
          "MIME-Version: 1.0",
          "Content-Type: text/plain; charset=utf-8",
          "",
          "Kartu BPJS PBI saya nonaktif, mohon diaktifkan kembali.",
          "",
        ].join("\r\n"),
      );
      await hub.ctx.registry.mailboxes.email!.sync(hub.ctx);
    },
  },
  {
    name: "LAPOR! sync",
    expect: () => ({
      channel: "lapor",
      office: OFFICE_A,
      actor: SYSTEM_ACTORS.lapor,
      ack: false,
    }),
    run: async () => {
      const source = createLaporSource(hub.ctx, {
        client: createLaporClient(hub.ctx, { retryPolicy: FAST_RETRY }),
      });
      const r = await runSync(hub.ctx, source);
      expect(r.status).toBe("succeeded");
    },
  },
  {
    name: "LAPOR! export import (office B)",
    expect: () => ({ channel: "lapor", office: OFFICE_B, actor: "adm-b", ack: false }),
    run: async () => {
      const { token } = await userWithToken(hub, "adm-b", "admin", undefined, OFFICE_B);
      const csv = [
        "No. Tracking;Tanggal Masuk;Kategori;Isi Laporan;Status",
        "88801001;05/03/2026 09:15;Bantuan Sosial;BPNT belum cair tiga bulan;Terdisposisi",
        "88801002;06/03/2026 10:00;Bantuan Sosial;PKH anak sekolah tidak masuk;Ditindaklanjuti",
        "88801003;07/03/2026 11:30;Bantuan Sosial;Kartu KKS hilang;Selesai",
      ].join("\n");
      const r = await upload(token, "/api/v1/imports/lapor-export", csv, "text/csv", "ekspor.csv");
      expect(r.status, await r.clone().text()).toBe(200);
    },
  },
  {
    name: "legacy import (office B)",
    expect: () => ({ channel: "legacy_import", office: OFFICE_B, actor: "adm-b2", ack: false }),
    run: async () => {
      const { token } = await userWithToken(hub, "adm-b2", "admin", undefined, OFFICE_B);
      const r = await upload(
        token,
        "/api/v1/imports/legacy",
        readFileSync("tests/fixtures/seed-2023.txt"),
        "text/plain",
        "seed-2023.txt",
      );
      expect(r.status, await r.clone().text()).toBe(201);
    },
  },
];

type CaseRow = {
  id: string;
  instansi: string;
  number: string;
  channel: string;
  title: string | null;
  keperluan: string;
  jenis: string | null;
  jenisSuggested: string | null;
  jenisDecision: string | null;
  status: string;
  currentStep: string | null;
  stepStartedAt: Date | null;
  dueAt: Date | null;
  closedAt: Date | null;
  flags: string[];
};
type PartyRow = {
  instansi: string;
  name: string | null;
  phoneE164: string | null;
  altPhones: string[];
  email: string | null;
  nikHash: string | null;
  nikMasked: string | null;
  nikCipher: Buffer | null;
};

async function load(id: string) {
  const sql = hub.ctx.db.sql;
  const [c] = await sql.query<CaseRow>(`SELECT * FROM "Case" WHERE id = $1::uuid`, [id]);
  const parties = await sql.query<PartyRow>(`SELECT * FROM "Party" WHERE "caseId" = $1::uuid`, [
    id,
  ]);
  const events = await sql.query<{ type: string; data: Record<string, unknown> }>(
    `SELECT type, data FROM "CaseEvent" WHERE "caseId" = $1::uuid ORDER BY id`,
    [id],
  );
  const audits = await sql.query<{ actorName: string; instansi: string; fields: string[] }>(
    `SELECT "actorName", instansi, fields FROM "AuditLog" WHERE "caseId" = $1::uuid AND action = 'case.create'`,
    [id],
  );
  const acks = await sql.query<{ kind: string }>(
    `SELECT kind FROM "Outbox" WHERE "caseId" = $1::uuid AND kind LIKE '%.ack'`,
    [id],
  );
  return { c: c!, parties, events, audits, acks };
}

const hasDeadlinePolicy = (channel: string) =>
  Object.values(defaultSlaPolicy.groups).some((g) =>
    (g.channels as readonly string[]).includes(channel),
  );
const final = (s: string) => (FINAL_STATUSES as readonly string[]).includes(s);

describe("every channel creates cases through the one intake pipeline", () => {
  // Driven in order (the desk users exist before their cases…), then checked one by one.
  it("drives every channel end to end", async () => {
    for (const ch of CHANNELS) await drive(ch.name, ch.expect(), ch.run);
    for (const ch of CHANNELS) {
      if (ch.name === "e-mail" && dovecotSkip !== null) continue;
      expect(produced.get(ch.name)?.ids.length, `${ch.name} created no case`).toBeGreaterThan(0);
    }
  }, 300_000);

  describe.each(CHANNELS.map((c) => c.name))("%s", (name) => {
    const each = async (fn: (x: Awaited<ReturnType<typeof load>>, e: Expect) => void) => {
      if (name === "e-mail" && dovecotSkip !== null) return;
      const p = produced.get(name);
      // Nothing produced is a failure, never an empty pass.
      expect(p?.ids.length, `${name} produced no case`).toBeGreaterThan(0);
      for (const id of p!.ids) fn(await load(id), p!.expect);
    };

    it("office and number: the channel's office, numbered per office and year", () =>
      each(({ c, parties }, e) => {
        expect(c.instansi).toBe(e.office);
        expect(c.channel).toBe(e.channel);
        expect(c.number).toMatch(/^ADU-\d{4}-\d{6}$/);
        for (const p of parties) expect(p.instansi).toBe(e.office);
      }));

    it("jenis suggested from the text, bidang suggested from the jenis", () =>
      each(({ c, events }) => {
        const text = c.title ? `${c.title}\n${c.keperluan}` : c.keperluan;
        const suggestion = suggestJenis(text).jenis;
        expect(c.jenisSuggested, c.number).toBe(suggestion);
        expect(c.jenis).toBe(suggestion);
        expect(c.jenisDecision).toBe("suggested");
        const created = events.find(
          (ev) => ev.type === "case.created" || ev.type === "case.imported",
        );
        expect(created?.data.bidangSuggested ?? null).toBe(
          suggestBidang(suggestion, defaultBidangTable),
        );
      }));

    it("deadline running from intake for every open status", () =>
      each(({ c }) => {
        if (final(c.status)) {
          expect(c.closedAt, c.number).not.toBeNull();
          expect(c.dueAt).toBeNull();
          return;
        }
        expect(c.currentStep, `${c.number} ${c.status}`).not.toBeNull();
        expect(c.stepStartedAt).not.toBeNull();
        if (hasDeadlinePolicy(c.channel)) {
          expect(c.dueAt, `${c.number} ${c.status}`).not.toBeNull();
          expect(c.dueAt!.getTime()).toBeGreaterThan(c.stepStartedAt!.getTime());
        }
      }));

    it("one timeline event and one audit row naming the actor", () =>
      each(({ c, events, audits, parties }, e) => {
        const created = events.filter(
          (ev) => ev.type === "case.created" || ev.type === "case.imported",
        );
        expect(created, c.number).toHaveLength(1);
        expect(created[0]!.data.channel).toBe(e.channel);
        expect(audits, c.number).toHaveLength(1);
        expect(audits[0]).toMatchObject({ actorName: e.actor, instansi: e.office });
        if (parties.some((p) => p.name)) expect(audits[0]!.fields).toContain("name");
      }));

    it("parties normalised: E.164 phones, NIK only hashed and encrypted, e-mail lower case", () =>
      each(({ parties }) => {
        for (const p of parties) {
          for (const ph of [p.phoneE164, ...p.altPhones].filter(Boolean))
            expect(ph).toMatch(/^\+[1-9]\d{7,14}$/);
          if (p.email) expect(p.email).toBe(p.email.toLowerCase());
          if (p.name) expect(p.name).toBe(p.name.trim());
          const text = JSON.stringify({ ...p, nikCipher: null });
          expect(text).not.toContain(NIK);
          if (p.nikHash) {
            expect(p.nikCipher).not.toBeNull();
            expect(p.nikMasked).not.toBe(NIK);
          }
        }
      }));

    it("acknowledgement where the channel has one", () =>
      each(({ c, events, acks }, e) => {
        const acknowledged = events.some((ev) => ev.type === "case.acknowledged");
        expect(acknowledged, c.number).toBe(e.ack);
        expect(c.flags.includes("acknowledged")).toBe(e.ack);
        // The web form's tanda terima is the answer on screen; the others are sent.
        if (e.ack && e.channel !== "website") expect(acks).toHaveLength(1);
        if (!e.ack) expect(acks).toHaveLength(0);
      }));
  });

  it("the desk's NIK is found by its keyed hash, and both parties were normalised", async () => {
    const ids = produced.get("desk (office A)")!.ids;
    const { parties } = await load(ids[0]!);
    expect(parties.map((p) => p.phoneE164).sort()).toEqual(["+6281251107788", "+6281348001122"]);
    expect(parties.find((p) => p.nikHash)?.name).toBe("Siti Aisyah");
  });
});
