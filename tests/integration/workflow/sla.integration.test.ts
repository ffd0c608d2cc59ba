import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { SMTPServer } from "smtp-server";
import { simpleParser } from "mailparser";
import type { AddressInfo } from "node:net";
import { resetDb, startTestHub, type TestHub } from "../../helpers/test-hub.js";
import { invalidateSlaCaches } from "../../../src/services/sla.service.js";
import { runSlaBreach } from "../../../src/jobs/sla-breach.job.js";
import { addUser } from "../../../src/services/auth.service.js";
import { allJobs } from "../../../src/jobs/index.js";
import {
  MovableClock,
  move,
  staff,
  walkIn,
  type CaseBody,
  type ErrorBody,
  type Staff,
} from "./workflow-helpers.js";

type Mail = { from: string; to: string[]; subject: string; text: string; cc: string[] };

let hub: TestHub;
let smtp: SMTPServer;
let s: Staff;
const mails: Mail[] = [];
const clock = new MovableClock(new Date("2026-03-17T01:00:00Z"));

function addresses(v: unknown): string[] {
  if (!v) return [];
  const list = Array.isArray(v) ? v : [v];
  return list.flatMap((a: { value: { address?: string }[] }) =>
    a.value.map((x) => x.address ?? ""),
  );
}

beforeAll(async () => {
  smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS"],
    onData(stream, _session, cb) {
      simpleParser(stream)
        .then((m) => {
          mails.push({
            from: m.from?.text ?? "",
            to: addresses(m.to),
            cc: addresses(m.cc),
            subject: m.subject ?? "",
            text: m.text ?? "",
          });
          cb();
        })
        .catch(cb);
    },
  });
  await new Promise<void>((resolve) => smtp.listen(0, "127.0.0.1", resolve));
  const port = (smtp.server.address() as AddressInfo).port;
  hub = await startTestHub({
    name: "workflow-sla",
    clock: clock.fn,
    env: {
      ADUAN_SESSION_TTL_HOURS: "720",
      SMTP_HOST: "127.0.0.1",
      SMTP_PORT: String(port),
      SMTP_FROM: "Aduan <aduan@example.test>",
    },
  });
});
afterAll(async () => {
  await hub.close();
  await new Promise<void>((resolve) => smtp.close(() => resolve()));
});
beforeEach(async () => {
  clock.set("2026-03-17T01:00:00Z");
  mails.length = 0;
  await resetDb(hub);
  // resetDb truncates catalogue tables behind the policy/calendar cache's back.
  invalidateSlaCaches(hub.ctx);
  s = await staff(hub);
});

async function disposedWalkIn(): Promise<CaseBody> {
  const c = await walkIn(s.fo, { receivedAt: "2026-03-17T00:55:00Z" });
  await move(s.fo, c.id, { to: "diverifikasi", version: 1 });
  const d = await move(s.koor, c.id, { to: "didisposisi", version: 2, bidang: "LINJAMSOS" });
  expect(d.status).toBe(200);
  return d.body;
}

async function overdueIds(): Promise<string[]> {
  const res = await s.koor.get<{ data: { id: string; slaState: string | null }[] }>(
    "/api/v1/cases?overdue=true",
  );
  expect(res.status).toBe(200);
  return res.body.data.map((c) => c.id);
}

describe("overdue detection across Idul Fitri and cuti bersama 2026", () => {
  it("follow-up disposed on 17 March is due at the end of 26 March (WITA)", async () => {
    const c = await disposedWalkIn();
    expect(c.dueAt).toBe("2026-03-26T15:59:59.999Z");

    clock.set("2026-03-24T02:00:00Z"); // still in cuti bersama: on time
    let list = await s.koor.get<{ data: { id: string; slaState: string }[] }>("/api/v1/cases");
    expect(list.body.data[0]).toMatchObject({ id: c.id, slaState: "on_time" });
    expect(await overdueIds()).toEqual([]);

    clock.set("2026-03-26T15:00:00Z"); // 23:00 WITA on the due day
    list = await s.koor.get("/api/v1/cases");
    expect(list.body.data[0]!.slaState).toBe("near");
    expect(await overdueIds()).toEqual([]);

    clock.set("2026-03-26T16:00:00Z"); // 00:00 WITA, 27 March
    expect(await overdueIds()).toEqual([c.id]);
    list = await s.koor.get("/api/v1/cases");
    expect(list.body.data[0]!.slaState).toBe("late");

    // Closing takes it off the overdue list.
    await move(s.linjam, c.id, { to: "ditindaklanjuti", version: 3 });
    const row = await hub.ctx.db.prisma.case.findUniqueOrThrow({ where: { id: c.id } });
    expect(row.currentStep).toBe("close");
    expect(await overdueIds()).toEqual([]);
  });

  it("a pause for documents shifts the due date by the paused working days", async () => {
    const c = await disposedWalkIn();
    clock.set("2026-03-25T02:00:00Z");
    const paused = await s.linjam.post<CaseBody>(`/api/v1/cases/${c.id}/pause`, {
      reason: "menunggu fotokopi KK dari pelapor",
    });
    expect(paused.status).toBe(200);
    expect(paused.body.pausedSince).toBe("2026-03-25T02:00:00.000Z");
    const twice = await s.linjam.post<ErrorBody>(`/api/v1/cases/${c.id}/pause`, { reason: "lagi" });
    expect(twice.status).toBe(409);
    expect(twice.body.code).toBe("ALREADY_PAUSED");

    clock.set("2026-03-27T01:00:00Z"); // past the original due date, but the clock is stopped
    expect(await overdueIds()).toEqual([]);

    clock.set("2026-03-27T02:00:00Z");
    const resumed = await s.linjam.post<CaseBody>(`/api/v1/cases/${c.id}/resume`, {});
    expect(resumed.status).toBe(200);
    expect(resumed.body.pausedSince).toBeNull();
    // 25 and 26 March were paused: the 2nd unpaused working day after 17 March is 30 March.
    expect(resumed.body.dueAt).toBe("2026-03-30T15:59:59.999Z");
    expect(resumed.body.events.slice(-2).map((e) => e.type)).toEqual(["sla.paused", "sla.resumed"]);
    expect(await overdueIds()).toEqual([]);
    clock.set("2026-03-30T16:00:01Z");
    expect(await overdueIds()).toEqual([c.id]);
    const pauses = await hub.ctx.db.prisma.casePause.findMany({ where: { caseId: c.id } });
    expect(pauses).toMatchObject([{ reason: "menunggu fotokopi KK dari pelapor" }]);
    expect(pauses[0]!.to?.toISOString()).toBe("2026-03-27T02:00:00.000Z");
  });

  it("a case paused after its deadline stays late", async () => {
    const c = await disposedWalkIn();
    clock.set("2026-03-27T02:00:00Z");
    await s.linjam.post(`/api/v1/cases/${c.id}/pause`, { reason: "menunggu dokumen" });
    expect(await overdueIds()).toEqual([c.id]);
  });

  it("an admin's local closure moves open due dates; removing it moves them back", async () => {
    const c = await disposedWalkIn();
    expect(
      (
        await s.koor.put("/api/v1/calendar/overrides/2026-03-25", {
          working: false,
          reason: "banjir",
        })
      ).status,
    ).toBe(403);
    const put = await s.admin.put<{ recomputedCases: number }>(
      "/api/v1/calendar/overrides/2026-03-25",
      {
        working: false,
        reason: "Kantor tutup: banjir",
      },
    );
    expect(put.status).toBe(200);
    expect(put.body.recomputedCases).toBe(1);
    let row = await hub.ctx.db.prisma.case.findUniqueOrThrow({ where: { id: c.id } });
    expect(row.dueAt?.toISOString()).toBe("2026-03-27T15:59:59.999Z");
    const cal = await s.fo.get<{
      covered: boolean;
      holidays: { date: string; kind: string; name: string }[];
      overrides: { date: string; working: boolean }[];
    }>("/api/v1/calendar?year=2026");
    expect(cal.status).toBe(200);
    expect(cal.body.covered).toBe(true);
    expect(
      cal.body.holidays.filter((h) => h.date.startsWith("2026-03-2")).map((h) => h.date),
    ).toEqual(["2026-03-20", "2026-03-21", "2026-03-22", "2026-03-23", "2026-03-24"]);
    expect(cal.body.overrides).toEqual([
      { date: "2026-03-25", working: false, reason: "Kantor tutup: banjir" },
    ]);
    expect((await s.admin.del("/api/v1/calendar/overrides/2026-03-25")).status).toBe(204);
    row = await hub.ctx.db.prisma.case.findUniqueOrThrow({ where: { id: c.id } });
    expect(row.dueAt?.toISOString()).toBe("2026-03-26T15:59:59.999Z");
    expect((await s.admin.del("/api/v1/calendar/overrides/2026-03-25")).status).toBe(404);
  });

  it("the SLA policy override is validated and applied to open cases", async () => {
    const c = await disposedWalkIn();
    const bad = await s.admin.put<ErrorBody>("/api/v1/catalogue/sla-policy", {
      override: { groups: { walk_in: { sopSteps: { follow_up: { unit: "weeks", value: 1 } } } } },
    });
    expect(bad.status).toBe(422);
    expect(bad.body.code).toBe("SLA_POLICY_INVALID");
    const ok = await s.admin.put<{ version: number; recomputedCases: number }>(
      "/api/v1/catalogue/sla-policy",
      {
        override: {
          groups: { walk_in: { sopSteps: { follow_up: { unit: "working_days", value: 3 } } } },
        },
        note: "tindak lanjut 3 hari",
      },
    );
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ version: 1, recomputedCases: 1 });
    const row = await hub.ctx.db.prisma.case.findUniqueOrThrow({ where: { id: c.id } });
    expect(row.dueAt?.toISOString()).toBe("2026-03-27T15:59:59.999Z");
  });
});

describe("sla.breach job", () => {
  async function setEmails() {
    const p = hub.ctx.db.prisma.user;
    for (const u of ["fo1", "koor1", "linjam1", "rehsos1", "kadis1"])
      await p.update({ where: { username: u }, data: { email: `${u}@dinsos.example.test` } });
  }

  it("is scheduled every 15 minutes", () => {
    const job = allJobs.find((j) => j.id === "sla.breach");
    expect(job?.schedule(hub.ctx)).toBe("*/15 * * * *");
  });

  it("mails the penelaah of the bidang and the koordinator once per breach, then escalates to the kadis", async () => {
    await setEmails();
    const c = await disposedWalkIn();
    clock.set("2026-03-27T00:00:00Z"); // 08:00 WITA
    const fresh = await walkIn(s.fo, { receivedAt: "2026-03-27T00:00:00Z", jenis: "ASLUT" });

    clock.set("2026-03-27T01:00:00Z");
    const first = await runSlaBreach(hub.ctx);
    const second = await runSlaBreach(hub.ctx);
    expect(first).toMatchObject({ breaches: 2, sent: 2, failed: 0 });
    // Both already notified and not yet due for escalation: nothing left to send.
    expect(second).toMatchObject({ breaches: 0, sent: 0 });
    expect(mails).toHaveLength(2);
    const m = mails.find((x) => x.subject.includes(c.number))!;
    expect(m.to).toEqual(["linjam1@dinsos.example.test"]);
    expect(m.cc).toEqual(["koor1@dinsos.example.test"]);
    expect(m.from).toContain("aduan@example.test");
    expect(m.text).toContain("Jenis aduan : PKH");
    expect(m.text).toContain("2026-03-26 23:59 WITA");
    // No citizen data beyond number and jenis.
    for (const word of ["Hatmiati", "6285845240653", "0858", "Takulat", "PKH yang tidak cair"])
      expect(m.text + m.subject).not.toContain(word);
    // Not yet disposed: the front office is responsible for the verification step.
    const undisposed = mails.find((x) => x.subject.includes(fresh.number))!;
    expect(undisposed.to).toEqual(["fo1@dinsos.example.test"]);
    expect(await hub.ctx.db.prisma.slaNotification.count()).toBe(2);

    mails.length = 0;
    clock.set("2026-03-31T01:00:00Z"); // 2 working days after the due date (27, 30 March)
    await runSlaBreach(hub.ctx);
    await runSlaBreach(hub.ctx);
    const esc = mails.filter((x) => x.subject.includes(c.number));
    expect(esc).toHaveLength(1);
    expect(esc[0]!.subject).toContain("Eskalasi");
    expect(esc[0]!.to).toEqual(["kadis1@dinsos.example.test"]);
    expect(esc[0]!.cc.sort()).toEqual(["koor1@dinsos.example.test", "linjam1@dinsos.example.test"]);
  });

  it("without SMTP breaches stay pending and are mailed once SMTP works; a later pause does not re-notify", async () => {
    await setEmails();
    const c = await disposedWalkIn();
    clock.set("2026-03-27T01:00:00Z");
    expect(await runSlaBreach(hub.ctx, { mailer: null })).toMatchObject({
      breaches: 1,
      smtp: false,
    });
    expect(await hub.ctx.db.prisma.slaNotification.count()).toBe(0);
    expect(await runSlaBreach(hub.ctx)).toMatchObject({ breaches: 1, sent: 1 });
    expect(mails).toHaveLength(1);
    await s.linjam.post(`/api/v1/cases/${c.id}/pause`, { reason: "menunggu dokumen" });
    await runSlaBreach(hub.ctx);
    expect(mails).toHaveLength(1);
  });

  /** Open cases inserted directly, already on the clock (no backfill touches them). */
  async function overdueCases(
    n: number,
    o: { prefix: string; dueFrom: string; instansi?: string; bidang?: string | null },
  ): Promise<void> {
    const disposed = o.bidang !== null;
    await hub.ctx.db.sql.query(
      `INSERT INTO "Case" (id, instansi, number, channel, "externalId", keperluan, jenis, status,
                           bidang, "receivedAt", "dueAt", "currentStep", "stepStartedAt", "updatedAt")
       SELECT gen_random_uuid(), $1, $2 || lpad(g::text, 5, '0'), 'datang_langsung', $2 || g,
              'Aduan uji batas waktu', 'PKH', $3, $4,
              $5::timestamptz - interval '10 days', $5::timestamptz + g * interval '1 second',
              $6, $5::timestamptz - interval '10 days', now()
         FROM generate_series(1, $7::int) g`,
      [
        o.instansi ?? "6309-DINSOS",
        o.prefix,
        disposed ? "didisposisi" : "diterima",
        disposed ? (o.bidang ?? "LINJAMSOS") : null,
        o.dueFrom,
        disposed ? "follow_up" : "verify",
        n,
      ],
    );
  }

  async function markNotified(prefix: string, steps: string[]): Promise<void> {
    for (const suffix of steps)
      await hub.ctx.db.sql.query(
        `INSERT INTO "SlaNotification" (id, "caseId", step, "dueAt")
         SELECT gen_random_uuid(), id, "currentStep" || $2, "dueAt" FROM "Case"
          WHERE number LIKE $1 || '%'`,
        [prefix, suffix],
      );
  }

  it("200 old breaches already notified do not keep a newer breach from being mailed", async () => {
    await setEmails();
    clock.set("2026-03-27T01:00:00Z"); // 09:00 WITA
    // Fully notified (notice and escalation) and still open, due in February.
    await overdueCases(200, { prefix: "ADU-2026-7", dueFrom: "2026-02-02T00:00:00Z" });
    await markNotified("ADU-2026-7", ["", ":eskalasi"]);
    // Notified yesterday, not yet due for escalation.
    await overdueCases(200, { prefix: "ADU-2026-8", dueFrom: "2026-03-26T02:00:00Z" });
    await markNotified("ADU-2026-8", [""]);
    // The newest breach (26 March 18:00 WITA), not notified yet.
    await overdueCases(1, { prefix: "ADU-2026-9", dueFrom: "2026-03-26T10:00:00Z" });

    expect(await runSlaBreach(hub.ctx)).toMatchObject({ breaches: 1, sent: 1, failed: 0 });
    expect(mails.map((m) => m.subject)).toEqual([
      "[Aduan] Lewat batas waktu: ADU-2026-900001 (tindak lanjut)",
    ]);
    expect(mails[0]!.to).toEqual(["linjam1@dinsos.example.test"]);
    expect(await runSlaBreach(hub.ctx)).toMatchObject({ breaches: 0, sent: 0 });
    expect(mails).toHaveLength(1);
  });

  it("mails only staff of the case's own office (instansi), escalation included", async () => {
    await setEmails(); // office 6309-DINSOS: fo1, koor1, linjam1, rehsos1, kadis1
    const other = "6310-DINSOS";
    for (const [username, role, bidang] of [
      ["koor-b", "koordinator", undefined],
      ["linjam-b", "penelaah", "LINJAMSOS"],
      ["kadis-b", "kadis", undefined],
    ] as const) {
      const u = await addUser(hub.ctx, {
        username,
        password: "kata-sandi-uji-123",
        role,
        bidang,
        instansi: other,
      });
      await hub.ctx.db.prisma.user.update({
        where: { id: u.id },
        data: { email: `${username}@dinsos-b.example.test` },
      });
    }
    // Office B has no front office: its undisposed case must not fall back to office A's.
    await overdueCases(1, {
      prefix: "ADU-2026-6",
      dueFrom: "2026-03-20T00:00:00Z",
      instansi: other,
      bidang: null,
    });
    await overdueCases(1, {
      prefix: "ADU-2026-5",
      dueFrom: "2026-03-20T00:00:00Z",
      instansi: other,
    });
    await overdueCases(1, { prefix: "ADU-2026-4", dueFrom: "2026-03-20T00:00:00Z" });
    clock.set("2026-03-31T01:00:00Z"); // past due and past the escalation threshold

    expect(await runSlaBreach(hub.ctx)).toMatchObject({ breaches: 3, sent: 6, failed: 0 });
    const got = (number: string, escalation: boolean) => {
      const m = mails.filter(
        (x) => x.subject.includes(number) && x.subject.includes("Eskalasi") === escalation,
      );
      expect(m).toHaveLength(1);
      return { to: m[0]!.to, cc: [...m[0]!.cc].sort() };
    };
    const b = (u: string) => `${u}@dinsos-b.example.test`;
    const a = (u: string) => `${u}@dinsos.example.test`;
    expect(got("ADU-2026-600001", false)).toEqual({ to: [b("koor-b")], cc: [] });
    expect(got("ADU-2026-600001", true)).toEqual({ to: [b("kadis-b")], cc: [b("koor-b")] });
    expect(got("ADU-2026-500001", false)).toEqual({ to: [b("linjam-b")], cc: [b("koor-b")] });
    expect(got("ADU-2026-500001", true)).toEqual({
      to: [b("kadis-b")],
      cc: [b("koor-b"), b("linjam-b")],
    });
    expect(got("ADU-2026-400001", false)).toEqual({ to: [a("linjam1")], cc: [a("koor1")] });
    expect(got("ADU-2026-400001", true)).toEqual({
      to: [a("kadis1")],
      cc: [a("koor1"), a("linjam1")],
    });
  });
});
