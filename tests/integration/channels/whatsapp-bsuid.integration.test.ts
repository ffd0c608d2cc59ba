// Issue 19: WhatsApp usernames. A citizen may be known to the hub by phone only, by phone
// and business-scoped user ID (BSUID), or by BSUID only (their number hidden); Meta may
// also link a phone to a BSUID later (`user_id_update`). Every shape arrives as a signed
// webhook on a real hub; Graph API sends are caught with nock.
import { readFileSync } from "node:fs";
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
import { processStoredWebhooks } from "../../../src/jobs/webhook-process.job.js";
import { writeReply } from "../../../src/services/replies.service.js";
import { findPerson } from "../../../src/pdp/person.js";
import { anonymisePerson } from "../../../src/pdp/subject-requests.js";
import { collectSubjectData } from "../../../src/pdp/subject-export.js";
import { DEFAULT_INSTANSI } from "../../../src/domain/instansi.js";
import { breachReport } from "../../../src/pdp/breach.js";
import { maskBsuid } from "../../../src/domain/bsuid.js";
import { formatBreach } from "../../../src/cli/audit.cli.js";
import {
  drainOutbox,
  postSigned,
  WA_PHONE_ID,
  WA_SECRET,
  WA_VERIFY,
  waEnvelope,
  waText,
} from "./helpers.js";

const GRAPH = "https://graph.facebook.com";
const PHONE = "6281254224300";
const PHONE_B = "6285248019792";
const BSUID = "ID.9A8B7C6D5E4F3A2B1C0D";
const BSUID_B = "ID.5F4E3D2C1B0A9F8E7D6C";

let hub: TestHub;
let url: string;

beforeAll(async () => {
  hub = await startTestHub({
    name: "channels-whatsapp-bsuid",
    env: {
      WHATSAPP_APP_SECRET: WA_SECRET,
      WHATSAPP_VERIFY_TOKEN: WA_VERIFY,
      WHATSAPP_ACCESS_TOKEN: "EAAG-test-token-123",
      WHATSAPP_PHONE_NUMBER_ID: WA_PHONE_ID,
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
});

beforeEach(async () => {
  await inboundQueue.idle();
  await resetDb(hub);
});

afterEach(() => {
  nock.cleanAll();
});

type Sender = { phone?: string; bsuid?: string; name?: string };

/** A messages webhook in the documented shapes: `from` is the phone when shared, else the BSUID. */
function payloadFrom(s: Sender, id: string, text: string, at: Date = new Date()) {
  const from = s.phone ?? s.bsuid!;
  return waEnvelope("messages", {
    contacts: [
      {
        profile: { name: s.name ?? "Warga Uji", ...(s.bsuid ? { username: "warga" } : {}) },
        wa_id: from,
        ...(s.bsuid ? { user_id: s.bsuid } : {}),
      },
    ],
    messages: [waText(from, id, text, at)],
  });
}

const nowSeconds = () => String(Math.floor(Date.now() / 1000));

function userIdUpdate(waId: string, bsuid: string) {
  return waEnvelope("user_id_update", {
    user_id_update: [{ wa_id: waId, user_id: bsuid, timestamp: nowSeconds() }],
  });
}

/** Meta's documented form: a system message on the messages field (no contacts array). */
function userChangedUserId(from: string, previous: string, next: string) {
  return waEnvelope("messages", {
    messages: [
      {
        from,
        id: `wamid.SYS-${next}`,
        timestamp: nowSeconds(),
        type: "system",
        system: {
          body: "User changed their business-scoped user ID",
          type: "user_changed_user_id",
          previous_user_id: previous,
          user_id: next,
        },
      },
    ],
  });
}

async function send(payload: unknown): Promise<void> {
  const r = await postSigned(url, JSON.stringify(payload), WA_SECRET);
  expect(r.status).toBe(200);
  await inboundQueue.idle();
}

type SendBody = { to?: string; recipient?: string; type?: string };

/** Catches the next Graph API sends; returns the request bodies seen. */
function catchSends(n: number): SendBody[] {
  const seen: SendBody[] = [];
  nock(GRAPH)
    .post(`/v21.0/${WA_PHONE_ID}/messages`, (b: SendBody) => {
      seen.push(b);
      return true;
    })
    .times(n)
    .reply(200, () => ({
      messaging_product: "whatsapp",
      messages: [{ id: `wamid.OUT-${seen.length}` }],
    }));
  return seen;
}

async function reply(caseId: string, text: string) {
  const c = await hub.ctx.db.prisma.case.findUniqueOrThrow({ where: { id: caseId } });
  return hub.ctx.db.prisma.$transaction((tx) =>
    writeReply(tx, c, {
      text,
      status: "ditindaklanjuti",
      actorId: "00000000-0000-4000-8000-000000000001",
      at: new Date(),
    }),
  );
}

const cases = () =>
  hub.ctx.db.prisma.case.findMany({ include: { parties: true }, orderBy: { number: "asc" } });

describe("WhatsApp senders by phone and/or BSUID (issue 19)", () => {
  // The three sender shapes, each through intake, a second message, the acknowledgement and
  // a staff reply: one case, one pelapor, every send addressed as Meta's documentation says.
  it.each([
    { shape: "phone only", s: { phone: PHONE }, want: { to: PHONE } },
    { shape: "phone + BSUID", s: { phone: PHONE, bsuid: BSUID }, want: { to: PHONE } },
    { shape: "BSUID only", s: { bsuid: BSUID }, want: { recipient: BSUID } },
  ])("$shape: one case, thread joined, ack and reply addressed by $want", async ({ s, want }) => {
    const sender: Sender = { ...s, name: "Siti Aminah" };
    await send(payloadFrom(sender, "wamid.S1", "PKH ibu saya tidak cair sejak Maret, mohon dicek"));
    await send(payloadFrom(sender, "wamid.S2", "Tambahan: KKS atas nama ibu saya"));
    const [c, ...more] = await cases();
    expect(more).toHaveLength(0);
    expect(c!.parties).toHaveLength(1);
    expect(c!.parties[0]).toMatchObject({
      role: "pelapor",
      name: "Siti Aminah",
      waId: s.phone ?? null,
      phoneE164: s.phone ? `+${s.phone}` : null,
      bsuid: s.bsuid ?? null,
    });
    expect(c!.jenisSuggested).not.toBeNull();
    expect(
      await hub.ctx.db.prisma.message.count({ where: { caseId: c!.id, direction: "in" } }),
    ).toBe(2);

    const seen = catchSends(2);
    await reply(c!.id, "Data ibu sudah kami periksa, pencairan tahap berikutnya Juni.");
    expect(await drainOutbox(hub.ctx)).toEqual([
      { kind: "whatsapp.ack", status: "sent" },
      { kind: "whatsapp.reply", status: "sent" },
    ]);
    expect(seen).toHaveLength(2);
    for (const body of seen) {
      expect(body.type).toBe("text");
      if ("to" in want) {
        expect(body.to).toBe(want.to);
        expect(body).not.toHaveProperty("recipient");
      } else {
        expect(body.recipient).toBe(want.recipient);
        expect(body).not.toHaveProperty("to");
      }
    }
    expect(hub.logs.text()).not.toContain(BSUID);
  });

  it("BSUID only: a template outside the 24 h window and delivery statuses by recipient_user_id", async () => {
    const old = new Date(Date.now() - 3 * 24 * 3600_000);
    await send(payloadFrom({ bsuid: BSUID }, "wamid.T1", "BPNT saya tidak masuk", old));
    const [c] = await cases();
    await hub.ctx.db.prisma.outbox.deleteMany(); // the ack is not the point here
    const r = await reply(c!.id, "Mohon datang ke kantor membawa KKS.");
    const seen: (SendBody & { template?: { name: string } })[] = [];
    nock(GRAPH)
      .post(`/v21.0/${WA_PHONE_ID}/messages`, (b: SendBody) => {
        seen.push(b);
        return true;
      })
      .reply(200, { messaging_product: "whatsapp", messages: [{ id: "wamid.OUT-TPL" }] });
    expect(await drainOutbox(hub.ctx)).toEqual([{ kind: "whatsapp.reply", status: "sent" }]);
    expect(seen[0]).toMatchObject({ type: "template", recipient: BSUID });
    expect(seen[0]).not.toHaveProperty("to");

    // Meta reports statuses of a BSUID send with recipient_user_id and no recipient_id.
    await send({
      object: "whatsapp_business_account",
      entry: [
        {
          id: "102290129340398",
          changes: [
            {
              field: "messages",
              value: {
                messaging_product: "whatsapp",
                metadata: { phone_number_id: WA_PHONE_ID },
                statuses: [
                  {
                    id: "wamid.OUT-TPL",
                    status: "read",
                    timestamp: String(Math.floor(Date.now() / 1000)),
                    recipient_user_id: BSUID,
                  },
                ],
              },
            },
          ],
        },
      ],
    });
    const m = await hub.ctx.db.prisma.message.findUniqueOrThrow({ where: { id: r.messageId } });
    expect(m).toMatchObject({ externalId: "wamid.OUT-TPL", deliveryStatus: "read" });
  });

  it("phone first, then phone + BSUID, then BSUID only: one case, one party gaining the BSUID", async () => {
    await send(payloadFrom({ phone: PHONE, name: "Budi" }, "wamid.P1", "PKH saya tidak cair"));
    await send(
      payloadFrom({ phone: PHONE, bsuid: BSUID, name: "Budi" }, "wamid.P2", "Sudah 3 bulan"),
    );
    await send(payloadFrom({ bsuid: BSUID, name: "Budi" }, "wamid.P3", "Mohon kabarnya"));
    const all = await cases();
    expect(all).toHaveLength(1);
    expect(all[0]!.parties).toHaveLength(1);
    expect(all[0]!.parties[0]).toMatchObject({ waId: PHONE, phoneE164: `+${PHONE}`, bsuid: BSUID });
    expect(await hub.ctx.db.prisma.message.count({ where: { direction: "in" } })).toBe(3);
    expect(await hub.ctx.db.prisma.outbox.count({ where: { kind: "whatsapp.ack" } })).toBe(1);
  });

  it("BSUID only first, then phone + BSUID: the party gains the phone, the ack goes to it", async () => {
    await send(payloadFrom({ bsuid: BSUID }, "wamid.Q1", "Bantuan sembako belum diterima"));
    await send(payloadFrom({ phone: PHONE, bsuid: BSUID }, "wamid.Q2", "Ini nomor saya"));
    const all = await cases();
    expect(all).toHaveLength(1);
    expect(all[0]!.parties[0]).toMatchObject({ waId: PHONE, phoneE164: `+${PHONE}`, bsuid: BSUID });
    const seen = catchSends(1);
    expect(await drainOutbox(hub.ctx)).toEqual([{ kind: "whatsapp.ack", status: "sent" }]);
    expect(seen[0]).toMatchObject({ to: PHONE });
  });

  it("user_id_update links a phone user to their BSUID: the next BSUID-only message joins their case", async () => {
    await send(payloadFrom({ phone: PHONE_B, name: "Rahmah" }, "wamid.U1", "KIS saya nonaktif"));
    await send(userIdUpdate(PHONE_B, BSUID_B));
    let all = await cases();
    expect(all).toHaveLength(1);
    expect(all[0]!.parties).toHaveLength(1);
    expect(all[0]!.parties[0]).toMatchObject({ waId: PHONE_B, bsuid: BSUID_B });
    const raw = await hub.ctx.db.prisma.rawMessage.findMany({ orderBy: { receivedAt: "asc" } });
    expect(raw.map((r) => r.status)).toEqual(["processed", "processed"]);

    await send(payloadFrom({ bsuid: BSUID_B, name: "Rahmah" }, "wamid.U2", "Sudah dua bulan"));
    all = await cases();
    expect(all).toHaveLength(1);
    expect(await hub.ctx.db.prisma.message.count({ where: { direction: "in" } })).toBe(2);

    // After closing, a new BSUID-only case is another case, linked to the first by BSUID
    // (a suggestion for staff, never a merge).
    await hub.ctx.db.prisma.case.updateMany({ data: { status: "selesai" } });
    await send(payloadFrom({ bsuid: BSUID_B, name: "Rahmah" }, "wamid.U3", "Aduan baru: BPNT"));
    all = await cases();
    expect(all).toHaveLength(2);
    const links = await hub.ctx.db.prisma.partyLink.findMany();
    expect(links.map((l) => l.basis)).toEqual(["bsuid"]);
    expect(links[0]).toMatchObject({
      partyId: all[1]!.parties[0]!.id,
      otherPartyId: all[0]!.parties[0]!.id,
      status: "suggested",
    });
  });

  it("a user_changed_user_id system message moves the party to the new BSUID: no case of its own, the next message joins", async () => {
    const NEXT = `${BSUID_B}Z9`;
    await send(payloadFrom({ bsuid: BSUID_B, name: "Rahmah" }, "wamid.S1", "KIS saya nonaktif"));
    await send(userChangedUserId(BSUID_B, BSUID_B, NEXT));
    let all = await cases();
    expect(all).toHaveLength(1);
    expect(all[0]!.parties).toHaveLength(1);
    expect(all[0]!.parties[0]).toMatchObject({ bsuid: NEXT });
    // The system message is no complaint: no inbound message was added for it.
    expect(await hub.ctx.db.prisma.message.count({ where: { direction: "in" } })).toBe(1);
    await send(payloadFrom({ bsuid: NEXT, name: "Rahmah" }, "wamid.S2", "Sudah dua bulan"));
    all = await cases();
    expect(all).toHaveLength(1);
    expect(await hub.ctx.db.prisma.message.count({ where: { direction: "in" } })).toBe(2);
  });

  it("replays the quarantined BSUID example into a case once the mapper accepts it", async () => {
    // Stored and quarantined as the hub did before issue 19 ("from must be the sender's
    // wa_id (digits)": 1 problem, no message).
    const body = readFileSync(
      new URL("../../fixtures/meta/whatsapp-bsuid-only.json", import.meta.url),
    );
    const id = await storeRawMessage(hub.ctx, {
      channel: "whatsapp",
      body,
      contentType: "application/json",
    });
    const notJson = await storeRawMessage(hub.ctx, { channel: "whatsapp", body: Buffer.from("{") });
    await hub.ctx.db.prisma.rawMessage.update({
      where: { id },
      data: { status: "quarantined", error: "1 bagian tidak terbaca" },
    });
    await hub.ctx.db.prisma.rawMessage.update({
      where: { id: notJson },
      data: { status: "quarantined", error: "JSON tidak valid" },
    });
    expect(await hub.ctx.db.prisma.case.count()).toBe(0);

    // The replay statement of this change's migration, then the webhook.process job.
    const migration = readFileSync(
      new URL(
        "../../../prisma/migrations/20261206180000_party_bsuid/migration.sql",
        import.meta.url,
      ),
      "utf8",
    );
    const replay = /UPDATE "RawMessage"[^;]+;/.exec(migration)?.[0];
    expect(replay).toBeDefined();
    await hub.ctx.db.sql.exec(replay!);
    expect(await processStoredWebhooks(hub.ctx)).toEqual({ processed: 1, failed: 0 });
    await inboundQueue.idle();

    const [c, ...more] = await cases();
    expect(more).toHaveLength(0);
    expect(c).toMatchObject({ channel: "whatsapp", externalId: "wamid.BSUID-ONLY-0001" });
    expect(c!.parties[0]).toMatchObject({ name: "Pak Darmansyah (uji)", bsuid: BSUID, waId: null });
    const rows = await hub.ctx.db.prisma.rawMessage.findMany();
    expect(Object.fromEntries(rows.map((r) => [r.id, r.status]))).toEqual({
      [id]: "processed",
      [notJson]: "quarantined",
    });
    expect(rows.find((r) => r.id === id)?.caseId).toBe(c!.id);
    // Its acknowledgement goes to the BSUID.
    const seen = catchSends(1);
    expect(await drainOutbox(hub.ctx)).toEqual([{ kind: "whatsapp.ack", status: "sent" }]);
    expect(seen[0]).toMatchObject({ recipient: BSUID });
  });
});

describe("BSUID as personal data (issue 19)", () => {
  it("the case API shows it to case workers, masked to others; never in logs", async () => {
    await send(payloadFrom({ bsuid: BSUID, name: "Siti" }, "wamid.V1", "PKH tidak cair"));
    const [c] = await cases();
    type Body = { parties: { phone: string | null; bsuid: string | null }[] };
    const fo = apiClient(hub, (await userWithToken(hub, "fo-bsuid", "front_office")).token);
    const asFo = await fo.get<Body>(`/api/v1/cases/${c!.id}`);
    expect(asFo.status).toBe(200);
    expect(asFo.body.parties[0]).toMatchObject({ phone: null, bsuid: BSUID });
    const admin = apiClient(hub, (await userWithToken(hub, "admin-bsuid", "admin")).token);
    const asAdmin = await admin.get<Body>(`/api/v1/cases/${c!.id}`);
    expect(asAdmin.status).toBe(200);
    expect(asAdmin.body.parties[0]?.bsuid).not.toBe(BSUID);
    expect(JSON.stringify(asAdmin.body)).not.toContain(BSUID);
    expect(hub.logs.text()).not.toContain(BSUID);
  });

  it("a kadis reveals it with a purpose (audited); the case read and the breach report name it", async () => {
    const since = new Date(Date.now() - 1000);
    await send(payloadFrom({ bsuid: BSUID, name: "Siti" }, "wamid.R1", "PKH tidak cair"));
    const [c] = await cases();
    type Body = { parties: { id: string; bsuid: string | null }[] };
    const kadis = apiClient(hub, (await userWithToken(hub, "kadis-bsuid", "kadis")).token);
    const seen = await kadis.get<Body>(`/api/v1/cases/${c!.id}`);
    const party = seen.body.parties[0]!;
    // A kadis works cases: the detail shows the BSUID (masked only to the admin, above).
    expect(party.bsuid).toBe(BSUID);
    const reveal = (body: unknown) =>
      kadis.post<{ field?: string; value?: string; code?: string }>(
        `/api/v1/cases/${c!.id}/parties/${party.id}/reveal`,
        body,
      );
    expect((await reveal({ field: "bsuid" })).body.code).toBe("PURPOSE_REQUIRED");
    const r = await reveal({ field: "bsuid", purpose: "menghubungi pelapor lewat WhatsApp" });
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ field: "bsuid", value: BSUID });
    const none = await reveal({ field: "phone", purpose: "menghubungi pelapor" });
    expect(none.status).toBe(404);
    const rows = await hub.ctx.db.prisma.auditLog.findMany({
      where: { caseId: c!.id, action: { in: ["pdp.reveal", "case.read"] } },
      orderBy: { id: "asc" },
    });
    expect(rows.filter((x) => x.action === "pdp.reveal").map((x) => x.fields)).toEqual([["bsuid"]]);
    expect(rows.find((x) => x.action === "case.read")?.fields).toContain("bsuid");
    // The breach report lists the person by the masked BSUID: the one way to reach them.
    const report = await breachReport(hub.ctx, { since, user: "kadis-bsuid" });
    expect(report.people).toEqual([
      expect.objectContaining({ name: "Siti", phoneMasked: null, bsuidMasked: maskBsuid(BSUID) }),
    ]);
    expect(maskBsuid(BSUID)).not.toBe(BSUID);
    expect(JSON.stringify(report)).not.toContain(BSUID);
    expect(formatBreach(report)).toContain(`WA ${maskBsuid(BSUID)}`);
    expect(hub.logs.text()).not.toContain(BSUID);
  });

  it("subject requests find the username-only cases of a person matched by name + phone; anonymising clears the BSUID", async () => {
    await send(
      payloadFrom({ phone: PHONE, bsuid: BSUID, name: "Siti" }, "wamid.W1", "PKH tidak cair"),
    );
    await hub.ctx.db.prisma.case.updateMany({ data: { status: "selesai" } });
    await send(payloadFrom({ bsuid: BSUID, name: "Siti" }, "wamid.W2", "BPNT tidak masuk"));
    expect(await hub.ctx.db.prisma.case.count()).toBe(2);
    const key = { instansi: DEFAULT_INSTANSI, name: "Siti", phoneE164: `+${PHONE}` };
    const person = await findPerson(hub.ctx.db.prisma, key);
    expect(person.caseIds).toHaveLength(2);

    // Access: the export lists the BSUID on both cases.
    const req = await hub.ctx.db.prisma.subjectRequest.create({
      data: {
        kind: "access",
        personName: "Siti",
        receivedAt: new Date(),
        dueAt: new Date(Date.now() + 72 * 3600_000),
        note: "uji",
        instansi: DEFAULT_INSTANSI,
        result: { match: { phoneE164: `+${PHONE}` } },
      },
    });
    const data = await collectSubjectData(hub.ctx, req.id);
    expect(data.kasus).toHaveLength(2);
    for (const k of data.kasus) expect(k.pihak[0]).toMatchObject({ idWhatsApp: BSUID });

    // Deletion: both cases' parties lose the BSUID (the open one too: it is anonymised
    // when closed, like its phone).
    await hub.ctx.db.prisma.case.updateMany({ data: { status: "selesai" } });
    await hub.ctx.db.prisma.$transaction((tx) => anonymisePerson(tx, key));
    expect(await hub.ctx.db.prisma.party.count({ where: { bsuid: { not: null } } })).toBe(0);
  });
});
