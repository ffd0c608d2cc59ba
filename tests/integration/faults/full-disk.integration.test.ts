// The attachment store runs out of space: ADUAN_DATA_DIR is a 512 KiB tmpfs mounted for
// this file (the tests run as root; no loop device or read-only fallback is needed). An
// evidence upload or a LAPOR! attachment download that does not fit must fail clearly,
// leave nothing half-written (no partial file, no row claiming "stored" without its
// file), and the hub must keep serving.
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { apiClient, startTestHub, userWithToken, type TestHub } from "../../helpers/test-hub.js";
import { createLaporSource } from "../../../adapters/lapor/lapor.sync.js";
import { runSync } from "../../../src/sync/sync-engine.js";
import type { Db } from "../../../src/db/database.js";
import {
  laporCaseCounts,
  observer,
  scalar,
  startCountingSandbox,
  truncateAll,
  type CountingSandbox,
} from "./fault-kit.js";

const DIR = resolve(`test-output/faults-disk-${process.pid}`);
let mounted = false;
let sb: CountingSandbox;
let db: Db;
let hub: TestHub;

function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name));
}

function png(size: number, fill: number): Buffer {
  const b = Buffer.alloc(size, fill);
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]).copy(b, 0);
  return b;
}

beforeAll(async () => {
  mkdirSync(DIR, { recursive: true });
  try {
    execFileSync("mount", ["-t", "tmpfs", "-o", "size=512k,mode=0700", "tmpfs", DIR]);
    mounted = true;
  } catch (e) {
    throw new Error(`cannot mount a 512k tmpfs at ${DIR} (needs root): ${(e as Error).message}`);
  }
  db = await observer();
  await truncateAll(db);
  sb = await startCountingSandbox({ count: 10, seed: 24 });
  hub = await startTestHub({
    name: "faults-full-disk",
    env: {
      ADUAN_DATA_DIR: DIR,
      LAPOR_BASE_URL: sb.url,
      LAPOR_TOKEN: sb.token,
      LAPOR_ATTACHMENTS: "true",
    },
  });
});

afterAll(async () => {
  await hub?.close();
  await sb?.close();
  await db?.close();
  if (mounted) execFileSync("umount", [DIR]);
  rmSync(DIR, { recursive: true, force: true });
});

describe("full disk for attachments", () => {
  beforeEach(() => {
    for (const f of readdirSync(DIR)) rmSync(join(DIR, f), { recursive: true, force: true });
  });

  it("an evidence upload that does not fit fails, leaves no partial file and no row, and the next upload that fits is stored", async () => {
    const fo = apiClient(hub, (await userWithToken(hub, "fo-disk", "front_office")).token);
    const c = await fo.post<{ id: string }>("/api/v1/cases", {
      channel: "telepon",
      pelapor: { name: "Bambang" },
      keperluan: "Bantuan PKH tidak diterima bulan ini",
    });
    expect(c.status).toBe(201);
    const { token } = await userWithToken(hub, "fo-disk-upload", "front_office");
    const post = async (bytes: Buffer) => {
      const res = await fetch(`${hub.url}/api/v1/cases/${c.body.id}/attachments`, {
        method: "POST",
        headers: {
          authorization: `Bearer ${token}`,
          "content-type": "image/png",
          "x-file-name": "bukti.png",
        },
        body: bytes,
      });
      return { status: res.status, body: (await res.json()) as Record<string, unknown> };
    };

    const first = await post(png(16 * 1024, 1));
    expect(first.status).toBe(201);
    const filesAfterFirst = filesUnder(DIR);
    expect(filesAfterFirst).toHaveLength(1);

    const tooBig = await post(png(1024 * 1024, 2));
    expect(tooBig.status).toBe(507);
    expect(tooBig.body.code).toBe("STORAGE_FULL");
    expect(tooBig.body.requestId).toBeTruthy();
    // The operator finds the cause under the request id in the log.
    const logLine = hub.logs
      .text()
      .split("\n")
      .find((l) => l.includes(String(tooBig.body.requestId)) && l.includes("ENOSPC"));
    expect(logLine, "no log line with ENOSPC for the failed upload").toBeTruthy();
    // Nothing half-written: no row, and no partial file left taking the space.
    expect(
      await scalar(db, `SELECT count(*)::text AS n FROM "Attachment" WHERE "caseId" = $1`, [
        c.body.id,
      ]),
    ).toBe(1);
    expect(filesUnder(DIR), "a partial file was left behind").toEqual(filesAfterFirst);

    // The process keeps serving and a file that fits in the space left is stored.
    expect((await apiClient(hub).get("/api/v1/health")).status).toBe(200);
    const fits = await post(png(16 * 1024, 3));
    expect(fits.status).toBe(201);
    const stored = await db.sql.query<{ storagePath: string }>(
      `SELECT "storagePath" FROM "Attachment" WHERE "caseId" = $1 AND status = 'stored'`,
      [c.body.id],
    );
    expect(stored).toHaveLength(2);
    for (const s of stored) expect(existsSync(join(DIR, s.storagePath))).toBe(true);
  });

  it("LAPOR! attachments that cannot be written are marked failed with the reason, the reports are kept, and a later sync stores them", async () => {
    // Fill the disk to the last byte.
    try {
      writeFileSync(join(DIR, "filler"), Buffer.alloc(1024 * 1024, 1));
    } catch (e) {
      expect((e as NodeJS.ErrnoException).code).toBe("ENOSPC");
    }
    const r = await runSync(hub.ctx, createLaporSource(hub.ctx));
    expect(r).toMatchObject({ status: "succeeded", added: 10 });
    expect(await laporCaseCounts(db)).toEqual({ total: 10, distinct: 10 });
    const rows = await db.sql.query<{
      status: string;
      error: string | null;
      storagePath: string | null;
    }>(`SELECT status, error, "storagePath" FROM "Attachment" WHERE source = 'lapor'`);
    expect(rows.length).toBeGreaterThan(0);
    // Not one row claims "stored" without its file.
    for (const a of rows.filter((x) => x.status === "stored"))
      expect(existsSync(join(DIR, a.storagePath ?? "-"))).toBe(true);
    expect(rows.filter((x) => x.status === "stored")).toEqual([]);
    expect(filesUnder(join(DIR, "files")), "a partial attachment file was left behind").toEqual([]);
    expect(
      await scalar(
        db,
        `SELECT count(*)::text AS n FROM "CaseEvent" WHERE type = 'attachment.failed'`,
      ),
    ).toBe(rows.length);
    // The operator must be able to tell a full disk from an upstream failure.
    for (const a of rows) expect(a.error).toMatch(/ENOSPC|penuh/i);

    // Space freed: the next sync retries the failed downloads and stores them all.
    rmSync(join(DIR, "filler"));
    const again = await runSync(hub.ctx, createLaporSource(hub.ctx));
    expect(again.status).toBe("succeeded");
    const after = await db.sql.query<{ status: string; storagePath: string | null }>(
      `SELECT status, "storagePath" FROM "Attachment" WHERE source = 'lapor'`,
    );
    expect(after.map((a) => a.status).join(",")).toEqual(rows.map(() => "stored").join(","));
    for (const a of after) expect(existsSync(join(DIR, a.storagePath ?? "-"))).toBe(true);
  });
});
