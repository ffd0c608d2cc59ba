import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import nock from "nock";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  apiClient,
  resetDb,
  startTestHub,
  userWithToken,
  type TestHub,
} from "../../helpers/test-hub.js";
import { inboundQueue, storeRawMessage } from "../../../src/services/inbound.service.js";
import { webhookProcessJob } from "../../../src/jobs/webhook-process.job.js";
import { applyDeliveryStatus } from "../../../adapters/whatsapp/whatsapp.webhook.js";
import type { DeliveryStatus } from "../../../adapters/whatsapp/whatsapp.mapper.js";
import { writeReply } from "../../../src/services/replies.service.js";
import { decrypt } from "../../../src/security/crypto.js";
import {
  expectStatusLink,
  drainOutbox,
  postSigned,
  WA_PHONE_ID,
  WA_SECRET,
  WA_VERIFY,
  waPayload,
  waText,
} from "./helpers.js";

const GRAPH = "https://graph.facebook.com";
const MEDIA_HOST = "https://lookaside.fbsbx.com";
const NUMBER_A = "6281254224300";
const NUMBER_B = "6285248019792";

let hub: TestHub;
let dataDir: string;
let url: string;

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), "aduan-wa-"));
  hub = await startTestHub({
    name: "channels-whatsapp",
    env: {
      WHATSAPP_APP_SECRET: WA_SECRET,
      WHATSAPP_VERIFY_TOKEN: WA_VERIFY,
      WHATSAPP_ACCESS_TOKEN: "EAAG-test-token-123",
      WHATSAPP_PHONE_NUMBER_ID: WA_PHONE_ID,
      WHATSAPP_MEDIA_MAX_BYTES: "1000",
      ADUAN_DATA_DIR: dataDir,
    },
  });
  url = `${hub.url}/webhooks/whatsapp`;
  nock.disableNetConnect();
  nock.enableNetConnect("127.0.0.1");
});

afterAll(async () => {
  await inboundQueue.idle();
  nock.cleanAll();
  nock.enableNetConnect();
  await hub.close();
  rmSync(dataDir, { recursive: true, force: true });
});

beforeEach(async () => {
  await inboundQueue.idle();
  await resetDb(hub);
});

afterEach(() => {
  nock.cleanAll();
});

async function send(payload: unknown): Promise<number> {
  const r = await postSigned(url, JSON.stringify(payload), WA_SECRET);
  return r.status;
}

function ds(status: DeliveryStatus["status"]): DeliveryStatus {
  return {
    externalId: "wamid.OUT-REPLY",
    status,
    at: new Date(),
    recipientWaId: NUMBER_A,
    recipientBsuid: null,
    error: null,
    errorCodes: [],
  };
}

async function settle(): Promise<void> {
  await inboundQueue.idle();
}

describe("WhatsApp webhook: verification and refusal", () => {
  it("echoes the challenge only for the right verify token", async () => {
    const ok = await fetch(
      `${url}?hub.mode=subscribe&hub.verify_token=${WA_VERIFY}&hub.challenge=12345`,
    );
    expect(ok.status).toBe(200);
    expect(await ok.text()).toBe("12345");
    const bad = await fetch(`${url}?hub.mode=subscribe&hub.verify_token=salah&hub.challenge=1`);
    expect(bad.status).toBe(403);
  });

  it("refuses a missing or wrong signature with 401, stores nothing, logs no body", async () => {
    const body = JSON.stringify(waPayload([waText(NUMBER_A, "wamid.SIG1", "Rahasia Budi PKH")]));
    const missing = await postSigned(url, body, null);
    expect(missing.status).toBe(401);
    expect(JSON.parse(missing.text).code).toBe("SIGNATURE_MISSING");
    const wrong = await postSigned(url, body, "another-secret-xyz");
    expect(wrong.status).toBe(401);
    expect(JSON.parse(wrong.text).code).toBe("SIGNATURE_INVALID");
    // Signed over other bytes than those sent (a re-serialised body) is also refused.
    const tampered = await fetch(url, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        "x-hub-signature-256": (
          await import("../../../adapters/meta/meta.signature.js")
        ).computeMetaSignature(Buffer.from(body + " "), WA_SECRET),
      },
      body,
    });
    expect(tampered.status).toBe(401);
    await settle();
    expect(await hub.ctx.db.prisma.rawMessage.count()).toBe(0);
    expect(await hub.ctx.db.prisma.case.count()).toBe(0);
    expect(hub.logs.text()).toContain("webhook signature refused");
    expect(hub.logs.text()).not.toContain("Rahasia Budi");
  });

  it("answers 400 to signed malformed JSON and creates no case", async () => {
    const r = await postSigned(url, '{"object":"whatsapp_business_account",', WA_SECRET);
    expect(r.status).toBe(400);
    expect(JSON.parse(r.text).code).toBe("INVALID_JSON");
    await settle();
    expect(await hub.ctx.db.prisma.case.count()).toBe(0);
    const raws = await hub.ctx.db.prisma.rawMessage.findMany();
    expect(raws.map((r) => r.status)).toEqual(["quarantined"]);
  });

  it("answers 503 CHANNEL_NOT_CONFIGURED without an app secret", async () => {
    const bare = await startTestHub({ name: "channels-whatsapp-bare" });
    try {
      const r = await postSigned(`${bare.url}/webhooks/whatsapp`, "{}", WA_SECRET);
      expect(r.status).toBe(503);
      expect(JSON.parse(r.text).code).toBe("CHANNEL_NOT_CONFIGURED");
    } finally {
      await bare.close();
    }
  });
});

describe("WhatsApp end to end", () => {
  it("opens a case, acknowledges it, sends the staff reply and tracks delivery", async () => {
    const status = await send(
      waPayload([waText(NUMBER_A, "wamid.A1", "PKH saya tidak cair sejak Maret")], {
        contacts: [{ wa_id: NUMBER_A, name: "Siti Aminah" }],
      }),
    );
    expect(status).toBe(200);
    await settle();

    const cases = await hub.ctx.db.prisma.case.findMany({ include: { parties: true } });
    expect(cases).toHaveLength(1);
    const c = cases[0]!;
    expect(c.channel).toBe("whatsapp");
    expect(c.externalId).toBe("wamid.A1");
    expect(c.lastInboundAt).not.toBeNull();
    expect(c.parties[0]).toMatchObject({
      role: "pelapor",
      name: "Siti Aminah",
      waId: NUMBER_A,
      phoneE164: `+${NUMBER_A}`,
    });
    const raw = await hub.ctx.db.prisma.rawMessage.findFirstOrThrow();
    expect(raw.status).toBe("processed");
    expect(raw.caseId).toBe(c.id);
    expect(JSON.stringify(raw.headers)).not.toContain("x-hub-signature");

    // Auto-acknowledgement with the case number, as free text (inside the 24 h window).
    let ackBody: { type?: string; to?: string; text?: { body: string } } = {};
    nock(GRAPH)
      .post(`/v21.0/${WA_PHONE_ID}/messages`, (b: typeof ackBody) => {
        ackBody = b;
        return true;
      })
      .reply(200, { messaging_product: "whatsapp", messages: [{ id: "wamid.OUT-ACK" }] });
    expect(await drainOutbox(hub.ctx)).toEqual([{ kind: "whatsapp.ack", status: "sent" }]);
    expect(ackBody.type).toBe("text");
    expect(ackBody.to).toBe(NUMBER_A);
    expect(ackBody.text?.body).toContain(c.number);
    // Issue 18: the status link with a token that opens the case's status; the stored copy
    // of the message keeps no token (only its hash is kept).
    await expectStatusLink(hub, ackBody.text?.body ?? "", c);
    // That automatic acknowledgement is the SOP's tanda terima: staff cannot send another.
    expect(c.flags).toContain("acknowledged");
    const fo = apiClient(hub, (await userWithToken(hub, "fo-wa", "front_office")).token);
    const again = await fo.post<{ code: string }>(`/api/v1/cases/${c.id}/acknowledge`);
    expect(again.status).toBe(409);
    expect(again.body.code).toBe("ALREADY_ACKNOWLEDGED");
    expect(
      await hub.ctx.db.prisma.caseEvent.count({
        where: { caseId: c.id, type: "case.acknowledged" },
      }),
    ).toBe(1);

    // Staff reply through the issue-5 reply service → outbox kind whatsapp.reply.
    const reply = await hub.ctx.db.prisma.$transaction((tx) =>
      writeReply(tx, c, {
        text: "Data Ibu sudah kami periksa di SIKS-NG, pencairan tahap berikutnya Juni.",
        status: "ditindaklanjuti",
        actorId: "00000000-0000-4000-8000-000000000001",
        at: new Date(),
      }),
    );
    let replyBody: typeof ackBody = {};
    nock(GRAPH)
      .post(`/v21.0/${WA_PHONE_ID}/messages`, (b: typeof ackBody) => {
        replyBody = b;
        return true;
      })
      .reply(200, { messaging_product: "whatsapp", messages: [{ id: "wamid.OUT-REPLY" }] });
    expect(await drainOutbox(hub.ctx)).toEqual([{ kind: "whatsapp.reply", status: "sent" }]);
    expect(replyBody.text?.body).toContain("pencairan tahap berikutnya Juni");
    const out = await hub.ctx.db.prisma.message.findUniqueOrThrow({
      where: { id: reply.messageId },
    });
    expect(out).toMatchObject({ externalId: "wamid.OUT-REPLY", deliveryStatus: "sent" });

    // statuses[] move the outbound message forward only.
    const st = (s: string, ts: number) => ({
      id: "wamid.OUT-REPLY",
      status: s,
      timestamp: String(ts),
      recipient_id: NUMBER_A,
    });
    const now = Math.floor(Date.now() / 1000);
    expect(await send(waPayload([], { statuses: [st("read", now)] }))).toBe(200);
    expect(await send(waPayload([], { statuses: [st("delivered", now - 5)] }))).toBe(200);
    await settle();
    const after = await hub.ctx.db.prisma.message.findUniqueOrThrow({
      where: { id: reply.messageId },
    });
    expect(after.deliveryStatus).toBe("read");

    // The same two statuses applied at the very same time, many times over: "read" wins
    // every time (a read-then-write check lost this race about once in a few hundred runs).
    for (let i = 0; i < 25; i++) {
      await hub.ctx.db.prisma.message.update({
        where: { id: reply.messageId },
        data: { deliveryStatus: "sent" },
      });
      const applied = await Promise.all([
        applyDeliveryStatus(hub.ctx, ds("delivered")),
        applyDeliveryStatus(hub.ctx, ds("read")),
        applyDeliveryStatus(hub.ctx, ds("delivered")),
      ]);
      expect(applied[1]).toBe(true);
      const m = await hub.ctx.db.prisma.message.findUniqueOrThrow({
        where: { id: reply.messageId },
      });
      expect(m.deliveryStatus).toBe("read");
    }
    // Nothing moves it back; "failed" always lands, and a later delivery report still does.
    expect(await applyDeliveryStatus(hub.ctx, ds("sent"))).toBe(false);
    expect(await applyDeliveryStatus(hub.ctx, ds("failed"))).toBe(true);
    expect(await applyDeliveryStatus(hub.ctx, ds("delivered"))).toBe(true);
    const last = await hub.ctx.db.prisma.message.findUniqueOrThrow({
      where: { id: reply.messageId },
    });
    expect(last).toMatchObject({ deliveryStatus: "delivered", deliveryError: null });
  });

  it("uses the approved template outside the 24 h window", async () => {
    const old = new Date(Date.now() - 3 * 24 * 3600_000);
    await send(waPayload([waText(NUMBER_B, "wamid.OLD1", "BPNT saya tidak masuk", old)]));
    await settle();
    const c = await hub.ctx.db.prisma.case.findFirstOrThrow();
    await hub.ctx.db.prisma.outbox.deleteMany(); // the ack is not the point here
    await hub.ctx.db.prisma.$transaction((tx) =>
      writeReply(tx, c, {
        text: "Mohon datang ke kantor membawa KKS.",
        status: "ditindaklanjuti",
        actorId: "00000000-0000-4000-8000-000000000001",
        at: new Date(),
      }),
    );
    let sent: {
      type?: string;
      template?: { name: string; language: { code: string }; components: unknown[] };
    } = {};
    nock(GRAPH)
      .post(`/v21.0/${WA_PHONE_ID}/messages`, (b: typeof sent) => {
        sent = b;
        return true;
      })
      .reply(200, { messages: [{ id: "wamid.OUT-TPL" }] });
    expect(await drainOutbox(hub.ctx)).toEqual([{ kind: "whatsapp.reply", status: "sent" }]);
    expect(sent.type).toBe("template");
    expect(sent.template?.name).toBe("tanggapan_pengaduan");
    expect(sent.template?.language.code).toBe("id");
    expect(JSON.stringify(sent.template?.components)).toContain(c.number);
    expect(JSON.stringify(sent.template?.components)).toContain("membawa KKS");
  });

  it("dedupes a replayed wamid, joins the open case, and opens a new one after closing", async () => {
    const p1 = waPayload([waText(NUMBER_A, "wamid.R1", "Aduan pertama tentang PKH")]);
    expect(await send(p1)).toBe(200);
    expect(await send(p1)).toBe(200); // Meta redelivery
    await settle();
    expect(await hub.ctx.db.prisma.case.count()).toBe(1);
    expect(await hub.ctx.db.prisma.message.count({ where: { direction: "in" } })).toBe(1);

    await send(waPayload([waText(NUMBER_A, "wamid.R2", "Tambahan: foto KKS menyusul")]));
    await settle();
    expect(await hub.ctx.db.prisma.case.count()).toBe(1);
    expect(await hub.ctx.db.prisma.message.count({ where: { direction: "in" } })).toBe(2);
    expect(await hub.ctx.db.prisma.outbox.count({ where: { kind: "whatsapp.ack" } })).toBe(1);

    await hub.ctx.db.prisma.case.updateMany({ data: { status: "selesai" } });
    await send(waPayload([waText(NUMBER_A, "wamid.R3", "Aduan baru: BPJS PBI nonaktif")]));
    await settle();
    const cases = await hub.ctx.db.prisma.case.findMany({ orderBy: { number: "asc" } });
    expect(cases).toHaveLength(2);
    expect(cases[1]!.externalId).toBe("wamid.R3");
    // Same wa_id on both cases: a link suggestion for staff, never a merge.
    const links = await hub.ctx.db.prisma.partyLink.findMany();
    expect(links.map((l) => l.basis).sort()).toEqual(["phone", "wa_id"]);
    expect(links.every((l) => l.status === "suggested")).toBe(true);
  });

  it("keeps an unknown message type, flags the case and notes it", async () => {
    await send(
      waPayload([
        {
          from: NUMBER_A,
          id: "wamid.U1",
          timestamp: String(Math.floor(Date.now() / 1000)),
          type: "order",
          order: { catalog_id: "1" },
        },
      ]),
    );
    await settle();
    const c = await hub.ctx.db.prisma.case.findFirstOrThrow({ include: { messages: true } });
    expect(c.flags).toContain("jenis_pesan_tidak_dikenal");
    expect(c.messages[0]!.body).toContain('jenis "order"');
    const raw = await hub.ctx.db.prisma.rawMessage.findFirstOrThrow();
    expect(Buffer.from(raw.body).toString("utf8")).toContain('"catalog_id"');
  });

  it("stores media encrypted, and refuses an oversized file with a note on the case", async () => {
    const png = Buffer.from("89504e470d0a1a0a0000000d49484452", "hex");
    nock(GRAPH)
      .get("/v21.0/MEDIA-SMALL")
      .query(true)
      .reply(200, {
        url: `${MEDIA_HOST}/small.png`,
        mime_type: "image/png",
        file_size: png.length,
      });
    nock(MEDIA_HOST).get("/small.png").reply(200, png, { "content-type": "image/png" });
    nock(GRAPH)
      .get("/v21.0/MEDIA-BIG")
      .query(true)
      .reply(200, { url: `${MEDIA_HOST}/big.jpg`, mime_type: "image/jpeg", file_size: 50_000 });
    const at = String(Math.floor(Date.now() / 1000));
    await send(
      waPayload([
        {
          from: NUMBER_B,
          id: "wamid.M1",
          timestamp: at,
          type: "image",
          image: { id: "MEDIA-SMALL", mime_type: "image/png", caption: "Foto KKS" },
        },
        {
          from: NUMBER_B,
          id: "wamid.M2",
          timestamp: at,
          type: "image",
          image: { id: "MEDIA-BIG", mime_type: "image/jpeg" },
        },
      ]),
    );
    await settle();
    const c = await hub.ctx.db.prisma.case.findFirstOrThrow({
      include: { attachments: true, events: true, messages: true },
    });
    expect(c.messages).toHaveLength(2);
    const stored = c.attachments.find((a) => a.externalId === "MEDIA-SMALL")!;
    expect(stored.status).toBe("stored");
    expect(stored.encrypted).toBe(true);
    const blob = readFileSync(join(dataDir, stored.storagePath!));
    expect(blob.includes(png)).toBe(false);
    expect(decrypt(hub.ctx.keyring, stored.keyId!, blob).equals(png)).toBe(true);
    const refused = c.attachments.find((a) => a.externalId === "MEDIA-BIG")!;
    expect(refused.status).toBe("refused");
    const note = c.events.find((e) => e.type === "attachment.refused");
    expect(JSON.stringify(note?.data)).toContain("melebihi batas 1000 byte");
  });

  it("processes a stored webhook left behind by a crash (webhook.process job)", async () => {
    const body = Buffer.from(
      JSON.stringify(waPayload([waText(NUMBER_A, "wamid.C1", "Aduan RASDA")])),
    );
    await storeRawMessage(hub.ctx, { channel: "whatsapp", body });
    expect(await hub.ctx.db.prisma.case.count()).toBe(0);
    const r = await webhookProcessJob.handler(hub.ctx, undefined as never);
    expect(r).toMatchObject({ processed: 1, failed: 0 });
    expect(await hub.ctx.db.prisma.case.count()).toBe(1);
  });

  it("answers the intake first, yet keeps processing while webhooks never stop arriving", async () => {
    // A sender posts without pause: the intake is never quiet, so processing only runs on
    // its floor (a message waits at most 1 s behind the intake). The sender stops once a
    // message is processed, or after 20 s (then the assertion below fails).
    let sent = 0;
    let stop = false;
    const statuses: number[] = [];
    const sender = async (k: number) => {
      while (!stop) {
        sent += 1;
        const id = `wamid.S${k}-${sent}`;
        statuses.push(await send(waPayload([waText(`62813${String(4000000 + k)}`, id, "Aduan")])));
      }
    };
    const senders = [0].map(sender);
    let processedWhileBusy = 0;
    for (const started = Date.now(); !processedWhileBusy && Date.now() - started < 20_000;) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      processedWhileBusy = await hub.ctx.db.prisma.rawMessage.count({
        where: { status: "processed" },
      });
    }
    const sentWhileWaiting = sent;
    await new Promise((resolve) => setTimeout(resolve, 100));
    // Still posting when the message was processed: the intake was never quiet.
    expect(sent).toBeGreaterThan(sentWhileWaiting);
    stop = true;
    await Promise.all(senders);
    expect(statuses.every((s) => s === 200)).toBe(true);
    expect(processedWhileBusy).toBeGreaterThan(0);
    await settle();
    // Once the intake is quiet the backlog drains: every accepted webhook is processed.
    expect(await hub.ctx.db.prisma.rawMessage.count({ where: { status: "processed" } })).toBe(
      statuses.length,
    );
    expect(await hub.ctx.db.prisma.message.count({ where: { direction: "in" } })).toBe(
      statuses.length,
    );
  }, 60_000);

  it("turns a burst of 500 signed webhooks with 100 duplicates into exactly the right cases", async () => {
    // 100 numbers × 4 distinct messages = 400 unique; 100 of them are sent twice.
    const unique: { from: string; id: string }[] = [];
    for (let n = 0; n < 100; n += 1) {
      for (let k = 0; k < 4; k += 1) {
        unique.push({
          from: `62812${String(5000000 + n).padStart(7, "0")}`,
          id: `wamid.B${n}-${k}`,
        });
      }
    }
    const sends = [...unique, ...unique.filter((_, i) => i % 4 === 1)];
    expect(sends).toHaveLength(500);
    // Interleave so duplicates arrive while their originals are still being processed.
    sends.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    const statuses: number[] = [];
    for (let i = 0; i < sends.length; i += 20) {
      const batch = sends.slice(i, i + 20);
      statuses.push(
        ...(await Promise.all(
          batch.map((m) => send(waPayload([waText(m.from, m.id, `Aduan nomor ${m.id}`)]))),
        )),
      );
    }
    expect(statuses.every((s) => s === 200)).toBe(true);
    await settle();
    expect(await hub.ctx.db.prisma.rawMessage.count({ where: { status: "processed" } })).toBe(500);
    expect(await hub.ctx.db.prisma.case.count()).toBe(100);
    expect(await hub.ctx.db.prisma.message.count({ where: { direction: "in" } })).toBe(400);
    expect(await hub.ctx.db.prisma.outbox.count({ where: { kind: "whatsapp.ack" } })).toBe(100);
    const perCase = await hub.ctx.db.sql.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM "Message" GROUP BY "caseId"`,
    );
    expect(perCase.every((r) => r.n === 4)).toBe(true);
  }, 180_000);
});
