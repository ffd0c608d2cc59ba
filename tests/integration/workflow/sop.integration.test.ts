import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { resetDb, startTestHub, type TestHub } from "../../helpers/test-hub.js";
import nock from "nock";
import { invalidateSlaCaches } from "../../../src/services/sla.service.js";
import { flushOutbox } from "../../../src/outbox/outbox.worker.js";
import {
  MovableClock,
  move,
  staff,
  upstreamCase,
  walkIn,
  type CaseBody,
  type ErrorBody,
  type Staff,
} from "./workflow-helpers.js";

const LAPOR_URL = "https://lapor.example.test";
let hub: TestHub;
let s: Staff;
const clock = new MovableClock(new Date("2026-03-17T01:00:00Z")); // Tue 09:00 WITA

beforeAll(async () => {
  hub = await startTestHub({
    name: "workflow-sop",
    clock: clock.fn,
    // Sessions expire on the hub's clock, which these tests move by days.
    env: {
      ADUAN_SESSION_TTL_HOURS: "720",
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
  clock.set("2026-03-17T01:00:00Z");
  await resetDb(hub);
  // resetDb truncates catalogue tables behind the policy/calendar cache's back.
  invalidateSlaCaches(hub.ctx);
  s = await staff(hub);
});

async function snapshot(caseId: string) {
  const p = hub.ctx.db.prisma;
  const c = await p.case.findUniqueOrThrow({ where: { id: caseId } });
  return {
    status: c.status,
    bidang: c.bidang,
    version: c.version,
    dueAt: c.dueAt?.toISOString() ?? null,
    closedAt: c.closedAt,
    events: await p.caseEvent.count({ where: { caseId } }),
    outbox: await p.outbox.count({ where: { caseId } }),
    messages: await p.message.count({ where: { caseId } }),
    writes: await p.auditLog.count({ where: { caseId, NOT: { action: "case.read" } } }),
  };
}

describe("walk-in case through the full SOP", () => {
  it("front office verifies, koordinator disposes to LINJAMSOS, penelaah follows up in person and closes", async () => {
    const created = await walkIn(s.fo, { receivedAt: "2026-03-17T00:50:00Z" });
    // SOP walk-in: register 10 + forward 10 office minutes from receipt (08:50 WITA).
    expect(created.status).toBe("diterima");
    expect(created.dueAt).toBe("2026-03-17T01:10:00.000Z");
    expect(created.slaState).toBe("on_time"); // half of the 20 minutes left

    clock.set("2026-03-17T01:05:00Z");
    const verified = await move(s.fo, created.id, {
      to: "diverifikasi",
      version: 1,
      note: "berkas lengkap",
    });
    expect(verified.status).toBe(200);
    expect(verified.body.status).toBe("diverifikasi");
    expect(verified.body.dueAt).toBe("2026-03-17T01:15:00.000Z"); // disposition: 10 minutes

    clock.set("2026-03-17T01:10:00Z");
    const options = await s.koor.get<{
      suggestedBidang: string;
      transitions: { to: string; requiresBidang: boolean }[];
    }>(`/api/v1/cases/${created.id}/transitions`);
    expect(options.status).toBe(200);
    expect(options.body.suggestedBidang).toBe("LINJAMSOS");
    expect(options.body.transitions.map((t) => t.to)).toEqual([
      "didisposisi",
      "tidak_dapat_ditindaklanjuti",
    ]);
    // The front office sees nothing it could do on a verified case.
    const foOptions = await s.fo.get<{ transitions: unknown[] }>(
      `/api/v1/cases/${created.id}/transitions`,
    );
    expect(foOptions.body.transitions).toEqual([]);

    const disposed = await move(s.koor, created.id, { to: "didisposisi", version: 2 });
    expect(disposed.status).toBe(200);
    expect(disposed.body.bidang).toBe("LINJAMSOS");
    // follow-up: 2 working days after 17 March; 18–24 March are Nyepi, Idul Fitri and cuti bersama.
    expect(disposed.body.dueAt).toBe("2026-03-26T15:59:59.999Z");

    clock.set("2026-03-25T03:00:00Z");
    const reply =
      "Bantuan PKH Ibu akan cair pada tahap berikutnya; silakan cek rekening bulan depan.";
    const followed = await move(s.linjam, created.id, {
      to: "ditindaklanjuti",
      version: 3,
      note: "dicek di SIKS-NG",
      reply,
    });
    expect(followed.status).toBe(200);
    const msgs = await hub.ctx.db.prisma.message.findMany({ where: { caseId: created.id } });
    expect(msgs).toHaveLength(1);
    expect(msgs[0]).toMatchObject({
      direction: "out",
      channel: "datang_langsung",
      body: reply,
      deliveryStatus: "delivered_in_person",
      outboxId: null,
      actorId: s.ids.linjam,
    });
    expect(await hub.ctx.db.prisma.outbox.count()).toBe(0);

    clock.set("2026-03-26T02:00:00Z");
    const closed = await move(s.linjam, created.id, { to: "selesai", version: 4 });
    expect(closed.status).toBe(200);
    expect(closed.body.status).toBe("selesai");
    expect(closed.body.closedAt).toBe("2026-03-26T02:00:00.000Z");
    expect(closed.body.dueAt).toBeNull();
    expect(closed.body.slaState).toBeNull();

    const timeline = (await s.kadis.get<CaseBody>(`/api/v1/cases/${created.id}`)).body.events;
    expect(timeline.map((e) => e.type)).toEqual([
      "case.created",
      "status.changed",
      "status.changed",
      "status.changed",
      "reply.sent",
      "status.changed",
    ]);
    const changes = timeline.filter((e) => e.type === "status.changed").map((e) => e.data);
    expect(changes.map((d) => [d.from, d.to])).toEqual([
      ["diterima", "diverifikasi"],
      ["diverifikasi", "didisposisi"],
      ["didisposisi", "ditindaklanjuti"],
      ["ditindaklanjuti", "selesai"],
    ]);
    expect(changes[0]).toMatchObject({
      note: "berkas lengkap",
      completedStep: "verify",
      late: false,
    });
    expect(changes[1]).toMatchObject({ bidang: "LINJAMSOS", bidangSuggested: "LINJAMSOS" });
    expect(timeline[4]!.data).toMatchObject({ deliveryStatus: "delivered_in_person", text: reply });
    expect(timeline.map((e) => e.actorId)).toEqual([
      s.ids.fo,
      s.ids.fo,
      s.ids.koor,
      s.ids.linjam,
      s.ids.linjam,
      s.ids.linjam,
    ]);
    const audits = await hub.ctx.db.prisma.auditLog.findMany({
      where: { caseId: created.id, action: "case.transition" },
      orderBy: { id: "asc" },
    });
    expect(audits.map((a) => a.actorName)).toEqual(["fo1", "koor1", "linjam1", "linjam1"]);
  });

  it("reopen by the koordinator needs a reason, clears closedAt and restarts the clock", async () => {
    const c = await walkIn(s.fo);
    await move(s.fo, c.id, {
      to: "tidak_dapat_ditindaklanjuti",
      version: 1,
      reason: "bukan pengaduan",
    });
    const noReason = await move(s.koor, c.id, { to: "diverifikasi", version: 2 });
    expect(noReason.status).toBe(422);
    expect(noReason.body.code).toBe("REASON_REQUIRED");
    expect(noReason.body.fields?.[0]?.field).toBe("body.reason");
    clock.set("2026-03-25T01:00:00Z");
    const reopened = await move(s.koor, c.id, {
      to: "diverifikasi",
      version: 2,
      reason: "pelapor datang lagi",
    });
    expect(reopened.status).toBe(200);
    expect(reopened.body.closedAt).toBeNull();
    expect(reopened.body.dueAt).toBe("2026-03-25T01:10:00.000Z");
    const row = await hub.ctx.db.prisma.case.findUniqueOrThrow({ where: { id: c.id } });
    expect(row.closeReason).toBeNull();
  });
});

describe("LAPOR! case through the SOP", () => {
  it("queues each tindak lanjut in the Outbox with the LAPOR! payload and a stable key", async () => {
    const id = await upstreamCase(hub, {
      channel: "lapor",
      externalId: "TBL-2026-0042",
      number: "ADU-2026-000900",
      receivedAt: new Date("2026-03-17T00:00:00Z"),
    });
    const row = await hub.ctx.db.prisma.case.findUniqueOrThrow({ where: { id } });
    // LAPOR! verification: 3 working days from receipt → Friday 27 March.
    expect(row.dueAt?.toISOString()).toBe("2026-03-27T15:59:59.999Z");

    expect((await move(s.fo, id, { to: "diverifikasi", version: 1 })).status).toBe(200);
    const disposed = await move(s.koor, id, { to: "didisposisi", version: 2 });
    expect(disposed.body.bidang).toBe("LINJAMSOS"); // BPNT
    // follow-up: 5 working days from receipt (LAPOR! deadline): 25, 26, 27, 30, 31 March.
    expect(disposed.body.dueAt).toBe("2026-03-31T15:59:59.999Z");

    const short = await move(s.linjam, id, {
      to: "ditindaklanjuti",
      version: 3,
      reply: "Sudah dicek.",
    });
    expect(short.status).toBe(422);
    expect(short.body.code).toBe("REPLY_TOO_SHORT");
    expect(short.body.message).toContain("20");

    const isi =
      "Data KPM atas nama pelapor sudah kami cek di SIKS-NG; penyaluran BPNT dijadwalkan ulang.";
    const followed = await move(s.linjam, id, { to: "ditindaklanjuti", version: 3, reply: isi });
    expect(followed.status).toBe(200);
    const isi2 =
      "Bantuan BPNT sudah disalurkan pada tanggal 30 Maret 2026. Terima kasih atas laporan Anda.";
    const closed = await move(s.linjam, id, { to: "selesai", version: 4, reply: isi2 });
    expect(closed.status).toBe(200);

    const outbox = await hub.ctx.db.prisma.outbox.findMany({
      where: { caseId: id },
      orderBy: { seq: "asc" },
    });
    expect(outbox.map((o) => [o.kind, o.target, o.status])).toEqual([
      ["lapor.tindak_lanjut", "TBL-2026-0042", "pending"],
      ["lapor.tindak_lanjut", "TBL-2026-0042", "pending"],
    ]);
    expect(outbox.map((o) => o.payload)).toEqual([
      { trackingId: "TBL-2026-0042", isi, status: "Ditindaklanjuti" },
      { trackingId: "TBL-2026-0042", isi: isi2, status: "Selesai" },
    ]);
    expect(new Set(outbox.map((o) => o.idempotencyKey)).size).toBe(2);
    expect(closed.body.events.filter((e) => e.type === "reply.queued")).toHaveLength(2);
    const messages = await hub.ctx.db.prisma.message.findMany({
      where: { caseId: id },
      orderBy: { at: "asc" },
    });
    expect(messages.map((m) => [m.direction, m.deliveryStatus, m.outboxId])).toEqual([
      ["out", "queued", outbox[0]!.id],
      ["out", "queued", outbox[1]!.id],
    ]);

    // The issue-4 worker pushes both, in order, with each entry's Idempotency-Key.
    const posted: { body: unknown; key: string | undefined; auth: string | undefined }[] = [];
    const scope = nock(LAPOR_URL)
      .post("/api/v1/laporan/TBL-2026-0042/tindak-lanjut")
      .times(2)
      .reply(function (_uri, body) {
        posted.push({
          body,
          key: this.req.headers["idempotency-key"] as string | undefined,
          auth: this.req.headers.authorization as string | undefined,
        });
        return [
          201,
          {
            id: `tl-${posted.length}`,
            isi: "x",
            oleh: "Dinas Sosial",
            dibuat_pada: "2026-03-26T02:00:00Z",
          },
        ];
      });
    // Outbox.nextAttemptAt defaults to the database's now(); the worker compares it with the
    // hub clock, so the flush runs on the real clock.
    clock.set(new Date(Date.now() + 60_000).toISOString());
    const flushed = await flushOutbox(hub.ctx, { caseId: id });
    expect(flushed).toMatchObject({ sent: 2 });
    expect(scope.isDone()).toBe(true);
    expect(posted).toEqual([
      {
        body: { isi, status: "Ditindaklanjuti" },
        key: outbox[0]!.idempotencyKey,
        auth: "Bearer token-uji-lapor",
      },
      {
        body: { isi: isi2, status: "Selesai" },
        key: outbox[1]!.idempotencyKey,
        auth: "Bearer token-uji-lapor",
      },
    ]);
    const after = await hub.ctx.db.prisma.message.findMany({
      where: { caseId: id },
      orderBy: { at: "asc" },
    });
    expect(after.map((m) => [m.deliveryStatus, m.externalId])).toEqual([
      ["sent", "tl-1"],
      ["sent", "tl-2"],
    ]);
  });
});

describe("replies on other channels and the acknowledgement", () => {
  it("routes WhatsApp, e-mail and Meta replies to their outbox kinds; phone replies are recorded", async () => {
    const kinds: Record<string, string> = {};
    for (const [i, channel] of ["whatsapp", "email", "instagram", "telepon", "website"].entries()) {
      const id = await upstreamCase(hub, {
        channel,
        externalId: `ext-${i}`,
        number: `ADU-2026-00010${i}`,
        receivedAt: new Date("2026-03-16T01:00:00Z"),
      });
      const res = await s.fo.post<{ deliveryStatus: string; outboxId: string | null }>(
        `/api/v1/cases/${id}/replies`,
        { text: "Mohon kirimkan foto KTP dan KK untuk kami periksa." },
      );
      expect(res.status).toBe(201);
      const ob = await hub.ctx.db.prisma.outbox.findFirst({ where: { caseId: id } });
      kinds[channel] = ob ? `${ob.kind}/${ob.target}` : res.body.deliveryStatus;
      if (ob) {
        expect(ob.payload).toMatchObject({
          caseId: id,
          text: "Mohon kirimkan foto KTP dan KK untuk kami periksa.",
        });
        expect(res.body.outboxId).toBe(ob.id);
      }
    }
    expect(kinds).toEqual({
      whatsapp: "whatsapp.reply/whatsapp",
      email: "email.reply/email",
      instagram: "meta.reply/meta",
      telepon: "delivered_by_phone",
      website: "recorded",
    });
  });

  it("acknowledges once and sends the acknowledgement text on online channels", async () => {
    const id = await upstreamCase(hub, {
      channel: "whatsapp",
      externalId: "wamid.1",
      number: "ADU-2026-000321",
      receivedAt: new Date("2026-03-17T00:58:00Z"),
    });
    const penelaah = await s.linjam.post(`/api/v1/cases/${id}/acknowledge`);
    expect(penelaah.status).toBe(403);
    const ack = await s.fo.post<CaseBody>(`/api/v1/cases/${id}/acknowledge`);
    expect(ack.status).toBe(200);
    expect(ack.body.flags).toContain("acknowledged");
    // The intake pipeline's case.created first (the helper creates cases through it).
    expect(ack.body.events.map((e) => e.type)).toEqual([
      "case.created",
      "case.acknowledged",
      "reply.queued",
    ]);
    const ob = await hub.ctx.db.prisma.outbox.findFirstOrThrow({ where: { caseId: id } });
    expect(ob.payload).toMatchObject({
      text: "Pengaduan Anda telah kami terima dengan nomor ADU-2026-000321 dan akan segera diproses.",
    });
    const again = await s.fo.post<ErrorBody>(`/api/v1/cases/${id}/acknowledge`);
    expect(again.status).toBe(409);
    expect(again.body.code).toBe("ALREADY_ACKNOWLEDGED");
    expect(await hub.ctx.db.prisma.outbox.count({ where: { caseId: id } })).toBe(1);
  });
});

describe("bad input changes nothing", () => {
  it("stale version → 409 VERSION_CONFLICT", async () => {
    const c = await walkIn(s.fo);
    await move(s.fo, c.id, { to: "diverifikasi", version: 1 });
    const before = await snapshot(c.id);
    const res = await move(s.koor, c.id, { to: "didisposisi", version: 1, bidang: "LINJAMSOS" });
    expect(res.status).toBe(409);
    expect(res.body.code).toBe("VERSION_CONFLICT");
    expect(res.body.fields?.[0]?.field).toBe("body.version");
    expect(await snapshot(c.id)).toEqual(before);
  });

  it("not allowed from the current status → 409 with the reachable statuses", async () => {
    const c = await walkIn(s.fo);
    const before = await snapshot(c.id);
    const res = await move(s.koor, c.id, { to: "selesai", version: 1, reply: "Sudah selesai ya." });
    expect(res.status).toBe(409);
    expect(res.body.code).toBe("TRANSITION_NOT_ALLOWED");
    expect(res.body.allowed).toEqual(["diverifikasi", "tidak_dapat_ditindaklanjuti"]);
    expect(await snapshot(c.id)).toEqual(before);
  });

  it("wrong role → 403 with the roles allowed; admin never works cases", async () => {
    const c = await walkIn(s.fo);
    const before = await snapshot(c.id);
    const res = await move(s.kadis, c.id, { to: "diverifikasi", version: 1 });
    expect(res.status).toBe(403);
    expect(res.body.code).toBe("ROLE_NOT_ALLOWED");
    expect(res.body.allowed).toEqual(["front_office", "koordinator"]);
    // A penelaah may write only to a case disposed to their bidang: this one has none yet.
    const linjam = await move(s.linjam, c.id, { to: "diverifikasi", version: 1 });
    expect(linjam.status).toBe(403);
    expect(linjam.body.code).toBe("BIDANG_FORBIDDEN");
    const admin = await move(s.admin, c.id, { to: "diverifikasi", version: 1 });
    expect(admin.status).toBe(403);
    expect(await snapshot(c.id)).toEqual(before);
  });

  it("penelaah of another bidang → 403 BIDANG_FORBIDDEN", async () => {
    const c = await walkIn(s.fo);
    await move(s.fo, c.id, { to: "diverifikasi", version: 1 });
    await move(s.koor, c.id, { to: "didisposisi", version: 2, bidang: "LINJAMSOS" });
    const before = await snapshot(c.id);
    const res = await move(s.rehsos, c.id, { to: "ditindaklanjuti", version: 3 });
    expect(res.status).toBe(403);
    expect(res.body.code).toBe("BIDANG_FORBIDDEN");
    const rep = await s.rehsos.post<ErrorBody>(`/api/v1/cases/${c.id}/replies`, { text: "Halo" });
    expect(rep.status).toBe(403);
    expect(await snapshot(c.id)).toEqual(before);
  });

  it("a reply on a transition needs the reply permission: kadis may close, not reply → 403", async () => {
    const id = await upstreamCase(hub, {
      channel: "whatsapp",
      externalId: "wamid.kadis",
      number: "ADU-2026-000323",
      receivedAt: new Date("2026-03-17T00:00:00Z"),
    });
    expect((await move(s.fo, id, { to: "diverifikasi", version: 1 })).status).toBe(200);
    const d = await move(s.koor, id, { to: "didisposisi", version: 2, bidang: "LINJAMSOS" });
    expect(d.status).toBe(200);
    expect((await move(s.linjam, id, { to: "ditindaklanjuti", version: 3 })).status).toBe(200);
    const before = await snapshot(id);
    const res = await move(s.kadis, id, {
      to: "selesai",
      version: 4,
      reply: "Aduan Bapak/Ibu sudah kami selesaikan.",
    });
    expect(res.status).toBe(403);
    expect(res.body.code).toBe("ROLE_NOT_ALLOWED");
    expect(res.body.allowed).toEqual(["front_office", "koordinator", "penelaah"]);
    // Nothing written: no status change, no message, no outbox entry, no audit row.
    expect(await snapshot(id)).toEqual(before);
    // The same close without a reply is the kadis' to make.
    const close = await move(s.kadis, id, { to: "selesai", version: 4 });
    expect(close.status).toBe(200);
    expect(close.body.status).toBe("selesai");
  });

  it("unknown bidang → 422 BIDANG_UNKNOWN; no suggestion → 422 BIDANG_REQUIRED", async () => {
    const c = await walkIn(s.fo, { jenis: "LAIN_LAIN" });
    await move(s.fo, c.id, { to: "diverifikasi", version: 1 });
    const before = await snapshot(c.id);
    const unknown = await move(s.koor, c.id, { to: "didisposisi", version: 2, bidang: "KESRA" });
    expect(unknown.status).toBe(422);
    expect(unknown.body.code).toBe("BIDANG_UNKNOWN");
    expect(unknown.body.fields?.[0]?.field).toBe("body.bidang");
    expect(unknown.body.allowed).toEqual(["DAYASOS", "REHSOS", "LINJAMSOS"]);
    const missing = await move(s.koor, c.id, { to: "didisposisi", version: 2 });
    expect(missing.status).toBe(422);
    expect(missing.body.code).toBe("BIDANG_REQUIRED");
    expect(await snapshot(c.id)).toEqual(before);
  });

  it("reply longer than the channel allows → 422 REPLY_TOO_LONG with the limit", async () => {
    const id = await upstreamCase(hub, {
      channel: "whatsapp",
      externalId: "wamid.2",
      number: "ADU-2026-000322",
      receivedAt: new Date("2026-03-17T00:00:00Z"),
    });
    const before = await snapshot(id);
    const res = await move(s.fo, id, { to: "diverifikasi", version: 1, reply: "x".repeat(4097) });
    expect(res.status).toBe(422);
    expect(res.body.code).toBe("REPLY_TOO_LONG");
    expect(res.body.message).toContain("4096");
    expect(res.body.fields).toEqual([
      { field: "body.reply", message: "maksimal 4096 karakter", code: "REPLY_TOO_LONG" },
    ]);
    const ok = await move(s.fo, id, { to: "diverifikasi", version: 1, reply: "x".repeat(4096) });
    expect(ok.status).toBe(200);
    expect(before.status).toBe("diterima");
  });

  it("the bidang table is admin-configurable and drives the suggestion", async () => {
    const put = await s.admin.put<{ version: number; table: Record<string, string | null> }>(
      "/api/v1/catalogue/bidang-table",
      { table: { PKH: "DAYASOS", LAIN_LAIN: null }, note: "uji" },
    );
    expect(put.status).toBe(200);
    expect(put.body.version).toBe(1);
    const bad = await s.admin.put<ErrorBody>("/api/v1/catalogue/bidang-table", {
      table: { "x y": "DAYASOS" },
    });
    expect(bad.status).toBe(422);
    expect((await s.koor.put("/api/v1/catalogue/bidang-table", { table: {} })).status).toBe(403);
    const c = await walkIn(s.fo);
    await move(s.fo, c.id, { to: "diverifikasi", version: 1 });
    const d = await move(s.koor, c.id, { to: "didisposisi", version: 2 });
    expect(d.body.bidang).toBe("DAYASOS");
  });
});

describe("concurrency", () => {
  it("of two concurrent transitions on the same version exactly one wins", async () => {
    for (let round = 0; round < 5; round++) {
      const c = await walkIn(s.fo);
      const results = await Promise.all([
        move(s.fo, c.id, { to: "diverifikasi", version: 1 }),
        move(s.koor, c.id, { to: "tidak_dapat_ditindaklanjuti", version: 1, reason: "ganda" }),
      ]);
      const statuses = results.map((r) => r.status).sort();
      expect(statuses).toEqual([200, 409]);
      expect(results.find((r) => r.status === 409)!.body.code).toBe("VERSION_CONFLICT");
      const changes = await hub.ctx.db.prisma.caseEvent.count({
        where: { caseId: c.id, type: "status.changed" },
      });
      expect(changes).toBe(1);
      const row = await hub.ctx.db.prisma.case.findUniqueOrThrow({ where: { id: c.id } });
      expect(row.version).toBe(2);
    }
  });
});
