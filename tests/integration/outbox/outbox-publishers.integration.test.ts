// The outbox worker finds senders in ctx.registry. An entry of a kind no publisher sends
// (a wiring bug, or a row written by a newer hub) is reported and held, never retried into
// a dead letter: its attempts stay, an operator alert names the kind, and the entries
// behind it on the same case keep their order.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { enqueueOutbox } from "../../../src/outbox/outbox.js";
import { flushOutbox, UNPUBLISHED_RECHECK_MS } from "../../../src/outbox/outbox.worker.js";
import { resetDb, startTestHub, type TestHub } from "../../helpers/test-hub.js";

describe("outbox worker and the registry's publishers", () => {
  let hub: TestHub;
  // Entries are due from the database's now(); the hub's clock starts just after it.
  const start = () => new Date(Date.now() + 60_000);
  let now = start();

  beforeAll(async () => {
    hub = await startTestHub({ name: "outbox-publishers", clock: () => now });
  });
  afterAll(async () => {
    await hub?.close();
  });
  beforeEach(async () => {
    await resetDb(hub);
    now = start();
  });

  it("holds an entry whose kind has no publisher: attempts kept, alert raised, no dead letter", async () => {
    const { prisma } = hub.ctx.db;
    const row = await enqueueOutbox(prisma, {
      caseId: null,
      kind: "fax.send",
      target: "fax",
      payload: { text: "x" },
      idempotencyKey: "fax.send:1",
    });
    expect(hub.ctx.registry.publisher("fax.send")).toBeUndefined();

    const summary = await flushOutbox(hub.ctx);
    expect(summary).toMatchObject({ claimed: 1, unpublished: 1, sent: 0, retried: 0, dead: 0 });

    const after = await prisma.outbox.findUniqueOrThrow({ where: { id: row.id } });
    expect(after.status).toBe("pending");
    expect(after.attempts).toBe(0);
    expect(after.lastError).toContain("fax.send");
    expect(after.nextAttemptAt.getTime()).toBe(now.getTime() + UNPUBLISHED_RECHECK_MS);
    expect(await prisma.deadLetter.count()).toBe(0);
    const alerts = await prisma.alert.findMany({ where: { kind: "outbox.no_publisher" } });
    expect(alerts.map((a) => a.source)).toEqual(["fax.send"]);

    // Held, not spun on: nothing is claimed again before the recheck time.
    expect(await flushOutbox(hub.ctx)).toMatchObject({ claimed: 0 });

    // Every recheck reports again on the same open alert and still spends no attempt.
    for (let i = 1; i <= 15; i++) {
      now = new Date(now.getTime() + UNPUBLISHED_RECHECK_MS);
      expect(await flushOutbox(hub.ctx)).toMatchObject({ claimed: 1, unpublished: 1 });
    }
    const held = await prisma.outbox.findUniqueOrThrow({ where: { id: row.id } });
    expect(held).toMatchObject({ status: "pending", attempts: 0 });
    expect(await prisma.alert.count({ where: { kind: "outbox.no_publisher" } })).toBe(1);
    expect(await prisma.deadLetter.count()).toBe(0);
  });
});
