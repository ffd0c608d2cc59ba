// Page cursors, by enumeration from the spec: every GET operation with a `cursor` query
// parameter refuses the same malformed cursors with 400 CURSOR_INVALID naming query.cursor
// (never a 500 from a cast), follows its own nextCursor, and refuses another list's cursor.
// One rule (src/domain/cursor.ts); a new paged list is picked up here from the spec.
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Role } from "../../../src/domain/roles.js";
import { apiSpec } from "../../../src/http/spec.js";
import {
  apiClient,
  resetDb,
  startTestHub,
  userWithToken,
  type TestHub,
} from "../../helpers/test-hub.js";

type Op = { path: string; operationId: string; roles: Role[] | undefined };
type Page = { data: unknown[]; nextCursor: string | null };

function pagedOperations(): Op[] {
  const paths = apiSpec().paths as Record<string, Record<string, Record<string, unknown>>>;
  const out: Op[] = [];
  for (const [path, item] of Object.entries(paths)) {
    const op = item.get;
    const params = (op?.parameters ?? []) as { in?: string; name?: string }[];
    if (op && params.some((p) => p.in === "query" && p.name === "cursor"))
      out.push({
        path,
        operationId: String(op.operationId),
        roles: op["x-roles"] as Role[] | undefined,
      });
  }
  return out;
}

const enc = (v: unknown) => Buffer.from(JSON.stringify(v)).toString("base64url");
const UUID = "0b7c4a52-2f53-4a53-9d5e-0d1f8f9f3c11";
const MALFORMED = [
  "%%%",
  Buffer.from("9999999999999999999").toString("base64url"),
  enc({ r: 1 }),
  enc([]),
  enc(["-".repeat(36)]),
  enc(["2023-01-01T00:00:00.000Z", "-".repeat(36)]),
  enc(["-200000-01-01T00:00:00.000Z", UUID]),
  enc(["9999999999999999999"]),
  enc(["2023-01", 1.5, "X-1", UUID]),
  enc([null, null, null, null, null, null]),
];

describe("page cursors of every paged list", () => {
  const ops = pagedOperations();
  let hub: TestHub;
  const clients = new Map<string, ReturnType<typeof apiClient>>();
  const firstPages = new Map<string, Page>();

  beforeAll(async () => {
    hub = await startTestHub({ name: "cursor-params" });
    await resetDb(hub);
    // Data for every list: the seed import gives imported cases, cases and audit rows.
    const ko = await userWithToken(hub, "ko.kursor", "koordinator");
    const res = await fetch(`${hub.url}/api/v1/imports/legacy`, {
      method: "POST",
      headers: {
        authorization: `Bearer ${ko.token}`,
        "content-type": "text/plain",
        "x-file-name": "seed-2023.txt",
      },
      body: readFileSync("tests/fixtures/seed-2023.txt"),
    });
    expect(res.status).toBe(201);
    for (const op of ops) {
      const role = op.roles?.includes("koordinator") ? "koordinator" : (op.roles?.[0] ?? "admin");
      const u = await userWithToken(hub, `kursor.${op.operationId.toLowerCase()}`, role);
      const client = apiClient(hub, u.token);
      clients.set(op.operationId, client);
      const first = await client.get<Page>(`${op.path}?limit=1`);
      expect(first.status, op.operationId).toBe(200);
      firstPages.set(op.operationId, first.body);
    }
  }, 120_000);
  afterAll(async () => hub?.close());

  it("the spec has the paged lists this test knows to feed", () => {
    expect(ops.map((o) => o.operationId).sort()).toEqual(
      ["listCases", "listImportedCases", "queryAudit"].sort(),
    );
  });

  it("each list follows its own nextCursor to a different next item", async () => {
    for (const op of ops) {
      const first = firstPages.get(op.operationId)!;
      expect(first.data, op.operationId).toHaveLength(1);
      expect(first.nextCursor, op.operationId).toEqual(expect.any(String));
      const next = await clients
        .get(op.operationId)!
        .get<Page>(`${op.path}?limit=1&cursor=${encodeURIComponent(first.nextCursor!)}`);
      expect(next.status, op.operationId).toBe(200);
      expect(next.body.data).toHaveLength(1);
      expect(next.body.data[0], op.operationId).not.toEqual(first.data[0]);
    }
  });

  it("each list refuses every malformed cursor and the other lists' cursors (400 CURSOR_INVALID)", async () => {
    for (const op of ops) {
      const foreign = ops
        .filter((o) => o.operationId !== op.operationId)
        .map((o) => firstPages.get(o.operationId)!.nextCursor!);
      for (const cursor of [...MALFORMED, ...foreign]) {
        const r = await clients
          .get(op.operationId)!
          .get<{ code: string; fields: { field: string }[] }>(
            `${op.path}?cursor=${encodeURIComponent(cursor)}`,
          );
        const what = `${op.operationId} ${cursor}`;
        expect(r.status, what).toBe(400);
        expect(r.body.code, what).toBe("CURSOR_INVALID");
        expect(r.body.fields[0]!.field, what).toBe("query.cursor");
      }
    }
  });
});
