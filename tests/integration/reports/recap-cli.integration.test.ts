// `aduan-hub recap push` sends its recap right away through the outbox worker, but only
// the recap: due entries of other kinds (WhatsApp, e-mail, Meta) are left to the hub's
// worker and its schedule, with their attempts untouched.
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import {
  createRekapSandbox,
  type RekapSandbox,
  type RunningRekapSandbox,
} from "../../../adapters/rekap/sandbox/rekap-sandbox.js";
import { main } from "../../../src/cli/main.js";
import { enqueueOutbox } from "../../../src/outbox/outbox.js";
import { resetDb, startTestHub, type TestHub } from "../../helpers/test-hub.js";

const KEY = "kunci-sandbox-rekap-cli";
const INSTANSI = "6309-DINSOS";

describe("aduan-hub recap push", () => {
  let sandbox: RekapSandbox;
  let running: RunningRekapSandbox;
  let hub: TestHub;
  let targets: string;

  beforeAll(async () => {
    sandbox = createRekapSandbox({ keys: { [INSTANSI]: KEY } });
    running = await sandbox.start();
    targets = JSON.stringify([
      { name: "provinsi", baseUrl: running.url, key: KEY, instansiKode: INSTANSI },
    ]);
    hub = await startTestHub({ name: "recap-cli", env: { REKAP_TARGETS: targets } });
  });
  afterAll(async () => {
    await hub?.close();
    await running?.close();
  });
  beforeEach(async () => {
    await resetDb(hub);
    process.exitCode = undefined;
  });

  async function cli(args: string[]): Promise<string> {
    const lines: string[] = [];
    const log = vi.spyOn(console, "log").mockImplementation((...a: unknown[]) => {
      lines.push(a.map(String).join(" "));
    });
    const prev = { ...process.env };
    try {
      // The CLI opens its own context from the environment, on the test hub's database.
      Object.assign(process.env, {
        DATABASE_URL: hub.ctx.config.DATABASE_URL,
        ADUAN_ENCRYPTION_KEY: hub.ctx.config.ADUAN_ENCRYPTION_KEY,
        ADUAN_HASH_KEY: hub.ctx.config.ADUAN_HASH_KEY,
        ADUAN_AUDIT_KEY: hub.ctx.config.ADUAN_AUDIT_KEY,
        REKAP_TARGETS: targets,
        LOG_LEVEL: "silent",
      });
      await main(args);
    } finally {
      process.env = prev;
      log.mockRestore();
    }
    return lines.join("\n");
  }

  it("sends the recap and leaves a due WhatsApp reply untouched (attempts, status, lease)", async () => {
    const { prisma } = hub.ctx.db;
    const c = await prisma.case.create({
      data: {
        number: "ADU-2023-910001",
        channel: "whatsapp",
        externalId: "wa-recap-cli-1",
        keperluan: "Menanyakan bantuan PKH",
        jenis: "PKH",
        status: "ditindaklanjuti",
        receivedAt: new Date("2023-01-10T10:00:00+08:00"),
      },
    });
    const due = new Date(Date.now() - 60_000);
    const wa = await enqueueOutbox(prisma, {
      caseId: c.id,
      kind: "whatsapp.reply",
      target: "whatsapp",
      payload: { text: "Tanggapan uji" },
      idempotencyKey: "whatsapp.reply:recap-cli-1",
    });
    await prisma.outbox.update({ where: { id: wa.id }, data: { nextAttemptAt: due } });
    const before = await prisma.outbox.findUniqueOrThrow({ where: { id: wa.id } });

    const out = await cli(["recap", "push", "--periode", "2023-01"]);
    expect(process.exitCode ?? 0).toBe(0);
    expect(out).toMatch(/provinsi: 2023-01 revisi 1/);

    const recap = await prisma.outbox.findMany({ where: { kind: "rekap.push" } });
    expect(recap).toHaveLength(1);
    expect(recap[0]).toMatchObject({ status: "sent", attempts: 1 });
    expect(sandbox.requests.filter((r) => r.status === 201)).toHaveLength(1);

    const after = await prisma.outbox.findUniqueOrThrow({ where: { id: wa.id } });
    expect(after).toMatchObject({
      status: "pending",
      attempts: before.attempts,
      lastError: null,
    });
    expect(after.nextAttemptAt.toISOString()).toBe(due.toISOString());
  });
});
