// Issue 13 item 6: kill -9 during a burst of keyed POST /cases left Idempotency-Keys
// IN_PROGRESS forever (every retry 409). A claim that outlives its request is taken over
// after ADUAN_IDEMPOTENCY_CLAIM_SECONDS; a retry creates the case exactly once or replays it.
import { createHash } from "node:crypto";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  apiClient,
  resetDb,
  startTestHub,
  userWithToken,
  type TestHub,
} from "../../helpers/test-hub.js";
import { authenticate } from "../../../src/services/auth.service.js";
import { createCase } from "../../../src/services/cases.service.js";
import { withIdempotency } from "../../../src/services/idempotency.service.js";

let hub: TestHub;
// The hub's clock runs with real time; a test moves it ahead (the crashed request never
// comes back) by adding to `skew`.
let skew = 0;
let fo: ReturnType<typeof apiClient>;
let foToken = "";
let foId = "";

const CLAIM_SECONDS = 30; // the default

const body = (keperluan: string) => ({
  channel: "telepon",
  pelapor: { name: "Abdul Gani" },
  keperluan,
  rahasia: false,
});
const hashOf = (b: unknown) => createHash("sha256").update(JSON.stringify(b)).digest("hex");

/** A claim as a request killed right after claiming leaves it (schema of before the fix). */
async function crashedClaim(key: string, b: unknown): Promise<void> {
  await hub.ctx.db.sql.query(
    `INSERT INTO "IdempotencyRecord" (key, "userId", "requestHash", status, response)
     VALUES ($1, $2::uuid, $3, 0, '{}')`,
    [`cases:${foId}:${key}`, foId, hashOf(b)],
  );
}

async function casesWith(keperluan: string): Promise<number> {
  return hub.ctx.db.prisma.case.count({ where: { keperluan } });
}

beforeAll(async () => {
  hub = await startTestHub({ name: "idempotency", clock: () => new Date(Date.now() + skew) });
});
afterAll(async () => {
  await hub.close();
});
beforeEach(async () => {
  skew = 0;
  await resetDb(hub);
  const u = await userWithToken(hub, "fo.idem", "front_office");
  foToken = u.token;
  foId = u.id;
  fo = apiClient(hub, foToken);
});

describe("Idempotency-Key claims that outlive their request", () => {
  it("answers 409 IDEMPOTENCY_IN_PROGRESS with Retry-After while the claim is fresh, then takes it over and creates the case once", async () => {
    const b = body("KKS hilang, klaim macet setelah kill -9");
    await crashedClaim("k-crash-1", b);
    const fresh = await fo.post("/api/v1/cases", b, { "idempotency-key": "k-crash-1" });
    expect(fresh.status).toBe(409);
    expect(fresh.body.code).toBe("IDEMPOTENCY_IN_PROGRESS");
    const retryAfter = Number(fresh.headers.get("retry-after"));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(CLAIM_SECONDS);
    expect(await casesWith(b.keperluan)).toBe(0);

    skew += (CLAIM_SECONDS + 1) * 1000; // the crashed request never comes back
    const taken = await fo.post<{ id: string; number: string }>("/api/v1/cases", b, {
      "idempotency-key": "k-crash-1",
    });
    expect(taken.status).toBe(201);
    expect(await casesWith(b.keperluan)).toBe(1);

    const again = await fo.post<{ id: string }>("/api/v1/cases", b, {
      "idempotency-key": "k-crash-1",
    });
    expect(again.status).toBe(200);
    expect(again.body.id).toBe(taken.body.id);
    // Much later still the same case, never a second one.
    skew += 3600_000;
    const later = await fo.post<{ id: string }>("/api/v1/cases", b, {
      "idempotency-key": "k-crash-1",
    });
    expect(later.status).toBe(200);
    expect(later.body.id).toBe(taken.body.id);
    expect(await casesWith(b.keperluan)).toBe(1);
  });

  it("of concurrent retries of a stale claim exactly one creates the case", async () => {
    const b = body("Bantuan PKH tidak cair, dikirim ulang dari banyak tab");
    await crashedClaim("k-crash-2", b);
    skew += (CLAIM_SECONDS + 5) * 1000;
    const answers = await Promise.all(
      Array.from({ length: 12 }, () =>
        fo.post<{ id?: string; code?: string }>("/api/v1/cases", b, {
          "idempotency-key": "k-crash-2",
        }),
      ),
    );
    const statuses = answers.map((a) => a.status);
    expect(statuses.filter((s) => s === 201)).toHaveLength(1);
    for (const a of answers) {
      expect([200, 201, 409]).toContain(a.status);
      if (a.status === 409) {
        expect(a.body.code).toBe("IDEMPOTENCY_IN_PROGRESS");
        expect(Number(a.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
      }
    }
    expect(await casesWith(b.keperluan)).toBe(1);
    const created = answers.find((a) => a.status === 201)!;
    const replay = await fo.post<{ id: string }>("/api/v1/cases", b, {
      "idempotency-key": "k-crash-2",
    });
    expect(replay.status).toBe(200);
    expect(replay.body.id).toBe(created.body.id);
  });

  it("a slow holder whose claim was taken over rolls back instead of writing a second case", async () => {
    const b = body("Holder lambat, klaim diambil alih");
    const user = (await authenticate(hub.ctx, foToken))!;
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let claimedSignal!: () => void;
    const claimed = new Promise<void>((r) => (claimedSignal = r));
    const slow = withIdempotency(
      hub.ctx,
      { key: `cases:${foId}:k-slow-12345`, userId: foId, requestHash: hashOf(b) },
      async (claim) => {
        claimedSignal();
        await gate; // stalls past the claim window (GC pause, lost DB connection …)
        return {
          status: 201,
          body: await createCase(hub.ctx, user, b as never, {
            inTransaction: (tx, id) => claim.commit(tx, 201, id),
          }),
        };
      },
      async () => {
        throw new Error("not replayed");
      },
    );
    await claimed;
    skew += (CLAIM_SECONDS + 1) * 1000;
    const retry = await fo.post<{ id: string }>("/api/v1/cases", b, {
      "idempotency-key": "k-slow-12345",
    });
    expect(retry.status).toBe(201);
    release();
    await expect(slow).rejects.toMatchObject({ code: "IDEMPOTENCY_IN_PROGRESS" });
    expect(await casesWith(b.keperluan)).toBe(1);
    const replay = await fo.post<{ id: string }>("/api/v1/cases", b, {
      "idempotency-key": "k-slow-12345",
    });
    expect(replay.status).toBe(200);
    expect(replay.body.id).toBe(retry.body.id);
  });

  it("replays a case whose key committed with it even when the stored answer was lost", async () => {
    const b = body("Kasus tersimpan, jawaban belum tercatat");
    const made = await fo.post<{ id: string; number: string }>("/api/v1/cases", b);
    expect(made.status).toBe(201);
    // Crash between the commit (key + case in one transaction) and storing the full answer.
    await hub.ctx.db.sql.query(
      `INSERT INTO "IdempotencyRecord" (key, "userId", "requestHash", status, response)
       VALUES ($1, $2::uuid, $3, 201, $4::jsonb)`,
      [`cases:${foId}:k-lost-answer`, foId, hashOf(b), JSON.stringify({ ref: made.body.id })],
    );
    const replay = await fo.post<{ id: string; number: string }>("/api/v1/cases", b, {
      "idempotency-key": "k-lost-answer",
    });
    expect(replay.status).toBe(200);
    expect(replay.body.id).toBe(made.body.id);
    expect(replay.body.number).toBe(made.body.number);
    expect(await casesWith(b.keperluan)).toBe(1);
  });

  it("a new keyed intake commits its key with the case (no IN_PROGRESS row is left behind)", async () => {
    const b = body("Kunci dan kasus satu transaksi");
    const res = await fo.post<{ id: string }>("/api/v1/cases", b, {
      "idempotency-key": "k-ok-12345",
    });
    expect(res.status).toBe(201);
    const rows = await hub.ctx.db.prisma.idempotencyRecord.findMany();
    expect(rows).toHaveLength(1);
    expect(rows[0]!.status).toBe(201);
    expect(rows[0]!.response).toMatchObject({ ref: res.body.id, body: { id: res.body.id } });
  });
});
