// Offices isolated in the database itself (issue 13): a query run in a staff scope sees and
// writes only its office's rows, whatever the query says, on PostgreSQL and on the embedded
// database alike; a scope with no office sees nothing; system work crosses offices.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { asSystem, inOffice } from "../../../src/db/scope.js";
import { addUser } from "../../../src/services/auth.service.js";
import { PASSWORD, resetDb, startTestHub, type TestHub } from "../../helpers/test-hub.js";

const A = "6309-DINSOS";
const B = "6310-DINSOS";

// Every table the policies protect, and how to count a row of office A in it.
const PROTECTED = [
  "Case",
  "Party",
  "AuditLog",
  "User",
  "CaseEvent",
  "Finding",
  "Message",
  "CasePause",
  "SlaNotification",
  "Attachment",
  "PartyLink",
  "Report",
  "DeadLetter",
  "ImportRun",
  "SubjectRequest",
  "Outbox",
  "RawMessage",
];

for (const embedded of [false, true]) {
  describe(embedded ? "embedded database (PGlite)" : "PostgreSQL", () => {
    let hub: TestHub;
    let dataDir: string | undefined;
    let caseId: string;

    beforeAll(async () => {
      dataDir = embedded ? mkdtempSync(join(tmpdir(), "aduan-rls-")) : undefined;
      hub = await startTestHub({
        name: embedded ? "rls-embedded" : "rls",
        embedded,
        ...(dataDir ? { env: { ADUAN_DATA_DIR: dataDir } } : {}),
      });
      if (embedded) await hub.ctx.db.migrate();
      else await resetDb(hub);
      await addUser(hub.ctx, {
        username: "fo-a",
        password: PASSWORD,
        role: "front_office",
        instansi: A,
      });
      await addUser(hub.ctx, {
        username: "fo-b",
        password: PASSWORD,
        role: "front_office",
        instansi: B,
      });
      const login = await fetch(`${hub.url}/api/v1/auth/login`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ username: "fo-a", password: PASSWORD }),
      });
      const { token } = (await login.json()) as { token: string };
      const res = await fetch(`${hub.url}/api/v1/cases`, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
        body: JSON.stringify({
          channel: "datang_langsung",
          pelapor: { name: "Hatmiati", phone: "0858-4524-0653", nik: "6309014107800001" },
          keperluan: "Ingin mengaktifkan BPJS atas nama anak",
        }),
      });
      expect(res.status).toBe(201);
      caseId = ((await res.json()) as { id: string }).id;
      // Rows of office A's case in the tables whose case link is optional, and a recap
      // entry (no case: the office it names, the default office A here).
      await hub.ctx.db.prisma.outbox.createMany({
        data: [
          { caseId, kind: "lapor.followup", target: "lapor", payload: {}, idempotencyKey: "rls-1" },
          { kind: "rekap.push", target: "prov", payload: {}, idempotencyKey: "rls-2" },
        ],
      });
      await hub.ctx.db.prisma.rawMessage.create({
        data: { channel: "lapor", body: Buffer.from("{}"), sha256: "x", caseId },
      });
    }, 120_000);

    afterAll(async () => {
      await hub?.close();
      if (dataDir) rmSync(dataDir, { recursive: true, force: true });
    });

    const count = async (table: string) =>
      Number(
        (await hub.ctx.db.sql.query<{ n: number }>(`SELECT count(*)::int AS n FROM "${table}"`))[0]!
          .n,
      );

    it("office A's case is seen in A's scope and by the system, not in B's", async () => {
      expect(await inOffice(A, () => hub.ctx.db.prisma.case.count())).toBe(1);
      expect(await inOffice(B, () => hub.ctx.db.prisma.case.count())).toBe(0);
      expect(
        await inOffice(B, () => hub.ctx.db.prisma.case.findUnique({ where: { id: caseId } })),
      ).toBeNull();
      expect(await asSystem("test", () => hub.ctx.db.prisma.case.count())).toBe(1);
    });

    it("every protected table shows office B nothing of office A, through raw SQL too", async () => {
      for (const t of PROTECTED) {
        const mine = await inOffice(B, () => count(t));
        const all = await asSystem("test", () => count(t));
        if (t === "User")
          expect(mine, t).toBe(1); // fo-b only
        else expect(mine, t).toBe(0);
        if (["Case", "Party", "AuditLog", "CaseEvent"].includes(t))
          expect(all, t).toBeGreaterThan(0);
      }
    });

    it("office A sees its case's outbox entry and the recap entry, B neither", async () => {
      expect(await inOffice(A, () => hub.ctx.db.prisma.outbox.count())).toBe(2);
      expect(await inOffice(B, () => hub.ctx.db.prisma.outbox.count())).toBe(0);
      await expect(
        inOffice(B, () =>
          hub.ctx.db.prisma.outbox.create({
            data: { kind: "rekap.push", target: "prov", payload: {}, idempotencyKey: "rls-b" },
          }),
        ),
      ).rejects.toThrow();
      // A recap entry of B's own target (its office named): B's, and not A's.
      await inOffice(B, () =>
        hub.ctx.db.prisma.outbox.create({
          data: {
            kind: "rekap.push",
            target: "prov-b",
            instansi: B,
            payload: {},
            idempotencyKey: "rls-b2",
          },
        }),
      );
      expect(await inOffice(B, () => hub.ctx.db.prisma.outbox.count())).toBe(1);
      expect(await inOffice(A, () => hub.ctx.db.prisma.outbox.count())).toBe(2);
      await hub.ctx.db.prisma.outbox.delete({ where: { idempotencyKey: "rls-b2" } });
    });

    it("a scope whose office was never set sees nothing", async () => {
      for (const t of PROTECTED) expect(await inOffice("", () => count(t)), t).toBe(0);
    });

    it("refuses a write into another office, and an update or delete of its rows changes nothing", async () => {
      await expect(
        inOffice(B, () =>
          hub.ctx.db.sql.query(
            `INSERT INTO "CaseEvent" ("caseId", type, data) VALUES ($1, 'x', '{}'::jsonb)`,
            [caseId],
          ),
        ),
      ).rejects.toThrow(/row-level security/);
      await expect(
        inOffice(B, () =>
          hub.ctx.db.prisma.case.create({
            data: {
              instansi: A,
              number: "X-1",
              channel: "datang_langsung",
              externalId: "x-1",
              keperluan: "x",
              receivedAt: new Date(),
            },
          }),
        ),
      ).rejects.toThrow();
      const updated = await inOffice(B, () =>
        hub.ctx.db.prisma.case.updateMany({ data: { title: "diubah" } }),
      );
      expect(updated.count).toBe(0);
      const deleted = await inOffice(B, () => hub.ctx.db.prisma.party.deleteMany({}));
      expect(deleted.count).toBe(0);
      expect(await asSystem("test", () => count("Party"))).toBeGreaterThan(0);
    });

    it("keeps the office inside interactive transactions, and never leaks it to the next caller", async () => {
      const inTx = await inOffice(B, () =>
        hub.ctx.db.prisma.$transaction(async (tx) => tx.case.count()),
      );
      expect(inTx).toBe(0);
      // Many interleaved callers of both offices on the same pool / connection.
      const results = await Promise.all(
        Array.from({ length: 40 }, (_, i) =>
          i % 2 === 0
            ? inOffice(A, () => hub.ctx.db.prisma.case.count()).then((n) => ["A", n] as const)
            : inOffice(B, () => hub.ctx.db.prisma.case.count()).then((n) => ["B", n] as const),
        ),
      );
      for (const [who, n] of results) expect(n, who).toBe(who === "A" ? 1 : 0);
      // Outside any scope (system, CLI) everything is there.
      expect(await hub.ctx.db.prisma.case.count()).toBe(1);
    });
  });
}
