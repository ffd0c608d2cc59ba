// UU PDP outbound minimisation on real PostgreSQL: a reply is refused when queued if it
// carries another person's NIK/phone or a restricted person's data, and an entry queued
// before a restriction is failed at send time (dead, with the reason) instead of sent.
import nock from "nock";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  apiClient,
  resetDb,
  startTestHub,
  userWithToken,
  type TestHub,
} from "../../helpers/test-hub.js";
import { createCase } from "../../../src/services/cases.service.js";
import { flushOutbox } from "../../../src/outbox/outbox.worker.js";
import { NIK_A, NIK_B, staff } from "./pdp-fixtures.js";

const GRAPH = "https://graph.facebook.com";
const WA_PHONE_ID = "1234567890";
const LAPOR_URL = "https://lapor.example.test";
const PELAPOR_WA = "6285845240653";

let hub: TestHub;
let fo: ReturnType<typeof apiClient>;
let kadis: ReturnType<typeof apiClient>;

type ErrorBody = { code: string; message: string; fields?: { field: string; message: string }[] };

beforeAll(async () => {
  hub = await startTestHub({
    name: "pdp-outbound-guard",
    env: {
      WHATSAPP_APP_SECRET: "wa-app-secret-uji-123",
      WHATSAPP_VERIFY_TOKEN: "wa-verify-token-uji",
      WHATSAPP_ACCESS_TOKEN: "EAAG-test-token-123",
      WHATSAPP_PHONE_NUMBER_ID: WA_PHONE_ID,
      LAPOR_BASE_URL: LAPOR_URL,
      LAPOR_TOKEN: "token-uji-lapor",
    },
  });
  nock.disableNetConnect();
  nock.enableNetConnect("127.0.0.1");
});
afterAll(async () => {
  nock.cleanAll();
  nock.enableNetConnect();
  await hub.close();
});
beforeEach(async () => {
  await resetDb(hub);
  fo = apiClient(hub, (await userWithToken(hub, "fo1", "front_office")).token);
  kadis = apiClient(hub, (await userWithToken(hub, "kadis1", "kadis")).token);
});
afterEach(() => {
  nock.cleanAll();
});

/** A case on an online channel with a pelapor and a companion (atas nama) holding a NIK. */
async function caseWithCompanion(channel: "whatsapp" | "lapor") {
  const u = await staff(hub.ctx, `intake-${channel}`, "front_office");
  const c = await createCase(hub.ctx, u, {
    channel,
    pelapor: { name: "Hatmiati", phone: "0858-4524-0653", nik: NIK_A },
    atasNama: { name: "Rahmah Aluh", phone: "0812-5110-7788", nik: NIK_B },
    keperluan: "Mohon dicek kepesertaan PBI JK ibu saya yang nonaktif",
  } as never);
  // A citizen message just arrived: WhatsApp answers with free text inside the 24 h window.
  await hub.ctx.db.prisma.case.update({ where: { id: c.id }, data: { lastInboundAt: new Date() } });
  return c;
}

async function restrict(nik: string): Promise<void> {
  const r = await fo.post<{ id: string }>("/api/v1/pdp/requests", {
    kind: "restriction",
    nik,
    note: "keberatan datanya diteruskan ke pihak lain",
  });
  expect(r.status).toBe(201);
  const done = await kadis.post<{ result: { restrictedParties: number } }>(
    `/api/v1/pdp/requests/${r.body.id}/complete`,
    {},
  );
  expect(done.body.result.restrictedParties).toBeGreaterThan(0);
}

async function queued(caseId: string) {
  const p = hub.ctx.db.prisma;
  return {
    outbox: await p.outbox.count({ where: { caseId } }),
    messages: await p.message.count({ where: { caseId, direction: "out" } }),
    events: await p.caseEvent.count({ where: { caseId, type: "reply.queued" } }),
  };
}

type Sent = { to?: string; body?: string };

function whatsappScope(sent: Sent[]) {
  return nock(GRAPH)
    .post(`/v21.0/${WA_PHONE_ID}/messages`, (b: { to?: string; text?: { body: string } }) => {
      sent.push({ ...(b.to ? { to: b.to } : {}), ...(b.text ? { body: b.text.body } : {}) });
      return true;
    })
    .reply(200, { messaging_product: "whatsapp", messages: [{ id: "wamid.OUT-GUARD" }] });
}

describe("outbound guard when a reply is queued", () => {
  it("refuses a reply with the atas nama party's NIK: 422 REPLY_CONTAINS_PERSONAL_DATA on body.text, nothing queued", async () => {
    const c = await caseWithCompanion("whatsapp");
    const res = await fo.post<ErrorBody>(`/api/v1/cases/${c.id}/replies`, {
      text: "NIK ibu Anda 6309 0545 0785 0002 sudah kami ajukan untuk diaktifkan kembali.",
    });
    expect(res.status).toBe(422);
    expect(res.body.code).toBe("REPLY_CONTAINS_PERSONAL_DATA");
    expect(res.body.fields).toEqual([
      {
        field: "body.text",
        message: "hapus NIK pihak atas nama dari teks balasan",
        code: "REPLY_CONTAINS_PERSONAL_DATA",
      },
    ]);
    expect(res.body.message).toContain("Hapus data tersebut");
    expect(JSON.stringify(res.body)).not.toContain("0002");
    expect(await queued(c.id)).toEqual({ outbox: 0, messages: 0, events: 0 });
    // The pelapor's own NIK is theirs: that reply is queued.
    const own = await fo.post(`/api/v1/cases/${c.id}/replies`, {
      text: `NIK Anda ${NIK_A} sudah kami periksa.`,
    });
    expect(own.status).toBe(201);
  });

  it("refuses a transition whose reply carries the companion's phone: 422 on body.reply, status unchanged", async () => {
    const c = await caseWithCompanion("lapor");
    const res = await fo.post<ErrorBody>(`/api/v1/cases/${c.id}/transitions`, {
      to: "diverifikasi",
      version: 1,
      reply: "Silakan hubungi ibu Anda di nomor 0812 5110 7788 untuk melengkapi berkas.",
    });
    expect(res.status).toBe(422);
    expect(res.body.code).toBe("REPLY_CONTAINS_PERSONAL_DATA");
    expect(res.body.fields?.[0]?.field).toBe("body.reply");
    expect(res.body.fields?.[0]?.message).toBe(
      "hapus nomor telepon pihak atas nama dari teks balasan",
    );
    const after = await hub.ctx.db.prisma.case.findUniqueOrThrow({ where: { id: c.id } });
    expect({ status: after.status, version: after.version }).toEqual({
      status: "diterima",
      version: 1,
    });
    expect(await queued(c.id)).toEqual({ outbox: 0, messages: 0, events: 0 });
  });
});

describe("outbound guard when the outbox sends", () => {
  it("a reply queued before the companion's restriction is not sent on WhatsApp: dead with the reason, message failed", async () => {
    const c = await caseWithCompanion("whatsapp");
    const text = "Kepesertaan Rahmah Aluh sudah kami ajukan untuk diaktifkan kembali bulan ini.";
    const res = await fo.post<{ outboxId: string; messageId: string }>(
      `/api/v1/cases/${c.id}/replies`,
      { text },
    );
    expect(res.status).toBe(201); // the companion is not restricted yet: names may go
    await restrict(NIK_B);

    const sent: Sent[] = [];
    const scope = whatsappScope(sent);
    const summary = await flushOutbox(hub.ctx, { caseId: c.id });
    expect(summary).toMatchObject({ claimed: 1, dead: 1, sent: 0, retried: 0 });
    expect(scope.isDone()).toBe(false);
    expect(sent).toEqual([]);

    const reason =
      "REPLY_CONTAINS_PERSONAL_DATA: balasan memuat nama orang yang datanya dibatasi (atas nama); " +
      "tidak dikirim, tulis ulang balasan tanpa data tersebut";
    const entry = await hub.ctx.db.prisma.outbox.findUniqueOrThrow({
      where: { id: res.body.outboxId },
    });
    expect(entry).toMatchObject({ status: "dead", lastError: reason, sentAt: null });
    const msg = await hub.ctx.db.prisma.message.findUniqueOrThrow({
      where: { id: res.body.messageId },
    });
    expect(msg).toMatchObject({
      deliveryStatus: "failed",
      deliveryError: reason,
      externalId: null,
    });
    const dl = await hub.ctx.db.prisma.deadLetter.findFirstOrThrow({
      where: { source: "outbox:whatsapp.reply" },
    });
    expect(dl.error).toBe(reason);
    // A second flush does not pick it up again (no retry).
    expect(await flushOutbox(hub.ctx, { caseId: c.id })).toMatchObject({ claimed: 0 });
    expect(scope.isDone()).toBe(false);
  });

  it("a LAPOR! tindak lanjut queued before the restriction is not posted either", async () => {
    const c = await caseWithCompanion("lapor");
    const res = await fo.post<{ outboxId: string; messageId: string }>(
      `/api/v1/cases/${c.id}/replies`,
      { text: "Data RAHMAH ALUH sudah kami periksa di SIKS-NG dan diusulkan aktif kembali." },
    );
    expect(res.status).toBe(201);
    await restrict(NIK_B);
    const scope = nock(LAPOR_URL)
      .post(/\/tindak-lanjut$/)
      .reply(201, { id: "tl-1" });
    const summary = await flushOutbox(hub.ctx, { caseId: c.id });
    expect(summary).toMatchObject({ dead: 1, sent: 0 });
    expect(scope.isDone()).toBe(false);
    const entry = await hub.ctx.db.prisma.outbox.findUniqueOrThrow({
      where: { id: res.body.outboxId },
    });
    expect(entry.status).toBe("dead");
    expect(entry.lastError).toMatch(/^REPLY_CONTAINS_PERSONAL_DATA: .*nama orang yang datanya/);
    const msg = await hub.ctx.db.prisma.message.findUniqueOrThrow({
      where: { id: res.body.messageId },
    });
    expect(msg.deliveryStatus).toBe("failed");
  });

  it("a normal reply still goes out on WhatsApp, naming a companion who is not restricted", async () => {
    const c = await caseWithCompanion("whatsapp");
    const text = "Kepesertaan PBI JK Rahmah Aluh sudah aktif kembali mulai bulan depan.";
    const res = await fo.post<{ messageId: string }>(`/api/v1/cases/${c.id}/replies`, { text });
    expect(res.status).toBe(201);
    const sent: Sent[] = [];
    const scope = whatsappScope(sent);
    expect(await flushOutbox(hub.ctx, { caseId: c.id })).toMatchObject({ sent: 1, dead: 0 });
    expect(scope.isDone()).toBe(true);
    expect(sent).toEqual([{ to: PELAPOR_WA, body: text }]);
    const msg = await hub.ctx.db.prisma.message.findUniqueOrThrow({
      where: { id: res.body.messageId },
    });
    expect(msg).toMatchObject({ deliveryStatus: "sent", externalId: "wamid.OUT-GUARD" });
  });

  it("a restricted pelapor still gets the LAPOR! reply with their own data; only isi and status are pushed", async () => {
    const c = await caseWithCompanion("lapor");
    await restrict(NIK_A);
    const isi = "Yth. Ibu Hatmiati, berkas Anda sudah lengkap dan kami teruskan ke Kemensos.";
    const res = await fo.post(`/api/v1/cases/${c.id}/replies`, { text: isi });
    expect(res.status).toBe(201);
    let posted: unknown = null;
    const scope = nock(LAPOR_URL)
      .post(/\/tindak-lanjut$/)
      .reply(201, (_uri, body) => {
        posted = body;
        return { id: "tl-9", isi, oleh: "Dinas Sosial", dibuat_pada: "2026-03-26T02:00:00Z" };
      });
    expect(await flushOutbox(hub.ctx, { caseId: c.id })).toMatchObject({ sent: 1 });
    expect(scope.isDone()).toBe(true);
    expect(posted).toEqual({ isi, status: "Ditindaklanjuti" });
  });
});
