// Issue 13 item 7: a file's type comes from its bytes, for staff evidence and for every
// channel. An executable declared application/pdf, an SVG with a script, HTML: refused
// with ATTACHMENT_TYPE_REFUSED and nothing stored. A valid file is stored with the type
// the hub detected, and every download is an attachment with a safe Content-Type, even
// for a row whose MIME holds CR/LF (that answered 500).
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  apiClient,
  resetDb,
  startTestHub,
  userWithToken,
  type TestHub,
} from "../../helpers/test-hub.js";
import { inboundQueue, storeAttachmentFile } from "../../../src/services/inbound.service.js";

const PNG = Buffer.from(
  "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==",
  "base64",
);
const JPEG = Buffer.concat([Buffer.from("ffd8ffe000104a46494600", "hex"), Buffer.alloc(64, 3)]);
const PDF = Buffer.from("%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n");
const EXE = Buffer.concat([Buffer.from("MZ\x90\x00\x03\x00\x00\x00", "latin1"), Buffer.alloc(64)]);
const ELF = Buffer.concat([Buffer.from("\x7fELF\x02\x01\x01", "latin1"), Buffer.alloc(64)]);
const SVG = Buffer.from(
  '<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><script>alert(document.cookie)</script></svg>',
);
const HTML = Buffer.from("<!doctype html><html><body><script>alert(1)</script></body></html>");

let hub: TestHub;
let dataDir: string;
let token: string;
let fo: ReturnType<typeof apiClient>;

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), "aduan-types-"));
  hub = await startTestHub({ name: "attachment-types", env: { ADUAN_DATA_DIR: dataDir } });
});
afterAll(async () => {
  await inboundQueue.idle();
  await hub.close();
  rmSync(dataDir, { recursive: true, force: true });
});
beforeEach(async () => {
  await resetDb(hub);
  token = (await userWithToken(hub, "fo-types", "front_office")).token;
  fo = apiClient(hub, token);
});

async function newCase(): Promise<string> {
  const res = await fo.post<{ id: string }>("/api/v1/cases", {
    channel: "datang_langsung",
    pelapor: { name: "Hatmiati" },
    keperluan: "Bantuan PKH tidak masuk lagi",
  });
  expect(res.status).toBe(201);
  return res.body.id;
}

async function upload(caseId: string, body: Buffer, type: string, name = "bukti.pdf") {
  const res = await fetch(`${hub.url}/api/v1/cases/${caseId}/attachments`, {
    method: "POST",
    headers: { authorization: `Bearer ${token}`, "content-type": type, "x-file-name": name },
    body,
  });
  return {
    status: res.status,
    body: (await res.json()) as { code?: string; message?: string; id?: string; mime?: string },
  };
}

async function download(caseId: string, id: string) {
  const res = await fetch(`${hub.url}/api/v1/cases/${caseId}/attachments/${id}`, {
    headers: { authorization: `Bearer ${token}` },
  });
  return { status: res.status, headers: res.headers, bytes: Buffer.from(await res.arrayBuffer()) };
}

describe("staff evidence upload", () => {
  it.each([
    ["an executable (MZ) declared application/pdf", EXE, "application/pdf", "EXE"],
    ["an ELF program declared image/png", ELF, "image/png", "ELF"],
    ["an SVG with a script declared image/png", SVG, "image/png", "SVG"],
    ["HTML declared application/pdf", HTML, "application/pdf", "HTML"],
  ])(
    "refuses %s with 415 ATTACHMENT_TYPE_REFUSED, storing nothing",
    async (_l, bytes, type, word) => {
      const id = await newCase();
      const r = await upload(id, bytes, type);
      expect(r.status).toBe(415);
      expect(r.body.code).toBe("ATTACHMENT_TYPE_REFUSED");
      expect(r.body.message).toContain(word);
      expect(await hub.ctx.db.prisma.attachment.count()).toBe(0);
    },
  );

  it("stores PDF, PNG and JPEG with the detected type, whatever the client declared", async () => {
    const id = await newCase();
    for (const [bytes, declared, detected] of [
      [PDF, "image/png", "application/pdf"],
      [PNG, "application/octet-stream", "image/png"],
      [JPEG, "image/jpeg", "image/jpeg"],
    ] as const) {
      const r = await upload(id, bytes, declared, "surat%20%221%22%07%0D%0A.pdf");
      expect(r.status).toBe(201);
      expect(r.body.mime).toBe(detected);
      const row = await hub.ctx.db.prisma.attachment.findUniqueOrThrow({
        where: { id: r.body.id! },
      });
      expect(row.mime).toBe(detected);
      const d = await download(id, r.body.id!);
      expect(d.status).toBe(200);
      expect(d.headers.get("content-type")).toBe(detected);
      expect(d.headers.get("x-content-type-options")).toBe("nosniff");
      expect(d.headers.get("content-disposition")).toBe(
        `attachment; filename="surat 1.pdf"; filename*=UTF-8''surat%201.pdf`,
      );
      expect(d.bytes.equals(bytes)).toBe(true);
    }
  });
});

describe("files from the channels", () => {
  const form = (attachment: { fileName: string; mime: string; contentBase64: string }) => ({
    name: "Rusmini",
    phone: "0812-5422-4300",
    desa: "Pembataan",
    kecamatan: "Murung Pudak",
    text: "Kartu KKS saya hilang, mohon dicetak ulang.",
    attachment,
  });

  it.each([
    ["an executable declared application/pdf", EXE, "application/pdf"],
    ["an SVG with a script", SVG, "image/svg+xml"],
    ["HTML declared text/plain", HTML, "text/plain"],
  ])("the web form refuses %s with 415 and creates no case", async (_l, bytes, mime) => {
    const r = await apiClient(hub).post<{ code: string }>(
      "/api/v1/public/complaints",
      form({ fileName: "kks.pdf", mime, contentBase64: bytes.toString("base64") }),
    );
    expect(r.status).toBe(415);
    expect(r.body.code).toBe("ATTACHMENT_TYPE_REFUSED");
    expect(await hub.ctx.db.prisma.case.count()).toBe(0);
    expect(await hub.ctx.db.prisma.attachment.count()).toBe(0);
  });

  it("a MIME with CR/LF is never stored and never reaches a header", async () => {
    const r = await apiClient(hub).post<{ number: string }>(
      "/api/v1/public/complaints",
      form({
        fileName: "kks\r\n.png",
        mime: "image/png\r\nX-Injected: 1",
        contentBase64: PNG.toString("base64"),
      }),
    );
    expect(r.status).toBe(201);
    const c = await hub.ctx.db.prisma.case.findFirstOrThrow({
      where: { number: r.body.number },
      include: { attachments: true },
    });
    const a = c.attachments[0]!;
    expect(a).toMatchObject({ status: "stored", mime: "image/png" });
    const d = await download(c.id, a.id);
    expect(d.status).toBe(200);
    expect(d.headers.get("content-type")).toBe("image/png");
    expect(d.headers.get("x-injected")).toBeNull();
    expect(d.headers.get("content-disposition")).toBe(
      `attachment; filename="kks.png"; filename*=UTF-8''kks.png`,
    );
  });

  it("a row stored before this rule with a CR/LF or SVG MIME downloads as an opaque file, not 500", async () => {
    const caseId = await newCase();
    const id = await storeAttachmentFile(
      hub.ctx,
      { caseId, rawMessageId: null, source: "whatsapp", fileName: "foto.png", mime: "image/png" },
      PNG,
    );
    for (const mime of ["image/png\r\nX-Injected: 1", "image/svg+xml"]) {
      await hub.ctx.db.prisma.attachment.update({ where: { id: id! }, data: { mime } });
      const d = await download(caseId, id!);
      expect(d.status).toBe(200);
      expect(d.headers.get("content-type")).toBe("application/octet-stream");
      expect(d.headers.get("content-disposition")).toMatch(/^attachment; /);
    }
  });

  it("WhatsApp, Meta and e-mail files go through the same check: refused rows, no file", async () => {
    const caseId = await newCase();
    for (const [source, bytes, mime] of [
      ["whatsapp", EXE, "application/pdf"],
      ["email", SVG, "image/svg+xml"],
      ["facebook", HTML, "image/jpeg"],
    ] as const) {
      const id = await storeAttachmentFile(
        hub.ctx,
        { caseId, rawMessageId: null, source, externalId: source, fileName: "x", mime },
        bytes,
      );
      expect(id).toBeNull();
    }
    const rows = await hub.ctx.db.prisma.attachment.findMany({
      where: { caseId },
      orderBy: { createdAt: "asc" },
    });
    expect(rows.map((r) => [r.source, r.status, r.storagePath])).toEqual([
      ["whatsapp", "refused", null],
      ["email", "refused", null],
      ["facebook", "refused", null],
    ]);
    expect(rows[0]!.error).toContain("WhatsApp ditolak");
    expect(rows[0]!.error).toContain("EXE");
    const events = await hub.ctx.db.prisma.caseEvent.count({
      where: { caseId, type: "attachment.refused" },
    });
    expect(events).toBe(3);
  });
});
