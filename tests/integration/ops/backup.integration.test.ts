// Backup and restore of the embedded database (issue 17): a round trip brings the cases and
// the attachment files back (read through the API, decrypted), the archive holds no key
// (neither the environment's nor a dev-keys.json), a restore refuses a data dir in use, and
// a backup taken while `serve` holds the data dir goes through that hub.
import { randomBytes } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { main } from "../../../src/cli/main.js";
import { killAllServe, spawnServe } from "../../helpers/processes.js";
import { startTestHub, userWithToken, type TestHub } from "../../helpers/test-hub.js";

const PNG = Buffer.from(
  "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==",
  "base64",
);
// Random keys, not the suite's shared test keys (32 equal bytes each): a run of 32 equal
// bytes occurs in PostgreSQL's own files (a free-space map page), and the check below then
// found a "key" in the archive that no key had put there.
const key = () => randomBytes(32).toString("base64");
const KEYS = { ADUAN_ENCRYPTION_KEY: key(), ADUAN_HASH_KEY: key(), ADUAN_AUDIT_KEY: key() };
// A development key file left in the data dir: it must stay out of the archive too.
const DEV_KEYS = { encryptionKey: key(), hashKey: key(), auditKey: key() };

const root = mkdtempSync(join(tmpdir(), "aduan-backup-"));
const source = join(root, "source");
let caseId = "";
let caseNumber = "";
let attachmentId = "";

async function cli(
  args: string[],
  env: Record<string, string>,
): Promise<{ out: string; code: number }> {
  const lines: string[] = [];
  const capture = (...a: unknown[]) => void lines.push(a.map(String).join(" "));
  const log = vi.spyOn(console, "log").mockImplementation(capture);
  const err = vi.spyOn(console, "error").mockImplementation(capture);
  const prev = { ...process.env };
  process.exitCode = undefined;
  try {
    // The embedded database: no DATABASE_URL, whatever the suite's environment holds.
    Object.assign(process.env, { ...KEYS, LOG_LEVEL: "silent", DATABASE_URL: "", ...env });
    await main(args);
  } finally {
    process.env = prev;
    log.mockRestore();
    err.mockRestore();
  }
  const code = Number(process.exitCode ?? 0);
  process.exitCode = undefined;
  return { out: lines.join("\n"), code };
}

async function embeddedHub(dir: string, name: string): Promise<TestHub> {
  return startTestHub({ name, embedded: true, env: { ...KEYS, ADUAN_DATA_DIR: dir } });
}

async function readAttachment(hub: TestHub): Promise<{ status: number; body: Buffer }> {
  const { token } = await userWithToken(hub, `fo-${Date.now()}`, "front_office");
  const res = await fetch(`${hub.url}/api/v1/cases/${caseId}/attachments/${attachmentId}`, {
    headers: { authorization: `Bearer ${token}` },
  });
  return { status: res.status, body: Buffer.from(await res.arrayBuffer()) };
}

beforeAll(async () => {
  const hub = await embeddedHub(source, "backup-source");
  try {
    const { token } = await userWithToken(hub, "fo1", "front_office");
    const created = await fetch(`${hub.url}/api/v1/cases`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: JSON.stringify({
        channel: "datang_langsung",
        pelapor: { name: "Siti Aminah", sex: "P", phone: "081234567890", nik: "6309015507800002" },
        keperluan: "Bantuan PKH tidak masuk lagi",
      }),
    });
    expect(created.status).toBe(201);
    ({ id: caseId, number: caseNumber } = (await created.json()) as { id: string; number: string });
    const up = await fetch(`${hub.url}/api/v1/cases/${caseId}/attachments`, {
      method: "POST",
      headers: {
        authorization: `Bearer ${token}`,
        "content-type": "image/png",
        "x-file-name": "cek.png",
      },
      body: PNG,
    });
    expect(up.status).toBe(201);
    attachmentId = ((await up.json()) as { id: string }).id;
  } finally {
    await hub.close();
  }
  writeFileSync(join(source, "dev-keys.json"), JSON.stringify(DEV_KEYS));
});
afterAll(async () => {
  await killAllServe();
  rmSync(root, { recursive: true, force: true });
});

/** Every form a key could take inside the archive. */
function keyForms(): Buffer[] {
  const keys = [...Object.values(KEYS), ...Object.values(DEV_KEYS)];
  return keys.flatMap((k) => [
    Buffer.from(k),
    Buffer.from(k, "base64"),
    Buffer.from(Buffer.from(k, "base64").toString("hex")),
  ]);
}

describe("backup and restore (hub stopped)", () => {
  const file = join(root, "cadangan.tar.gz");

  it("writes the archive without any key and says which keys a restore needs", async () => {
    const r = await cli(["backup", "--out", file], { ADUAN_DATA_DIR: source });
    expect(r.code, r.out).toBe(0);
    for (const v of ["ADUAN_ENCRYPTION_KEY (id k1)", "ADUAN_HASH_KEY", "ADUAN_AUDIT_KEY"])
      expect(r.out).toContain(v);
    expect(r.out).toContain("1 berkas lampiran");
    const raw = readFileSync(file);
    const tar = gunzipSync(raw);
    expect(tar.includes(Buffer.from("aduan-backup.json"))).toBe(true);
    expect(tar.includes(Buffer.from("dev-keys.json"))).toBe(false);
    expect(tar.includes(Buffer.from("hub.lock"))).toBe(false);
    for (const k of keyForms()) {
      const what = `${k.length} bytes ${k.subarray(0, 8).toString("hex")}… at ${tar.indexOf(k)}`;
      expect(raw.includes(k), what).toBe(false);
      expect(tar.includes(k), what).toBe(false);
    }
    // The inner database dump, unpacked too.
    const pgStart = tar.indexOf(Buffer.from("pg.tar.gz"));
    expect(pgStart).toBeGreaterThanOrEqual(0);
    // Refuses to overwrite.
    expect((await cli(["backup", "--out", file], { ADUAN_DATA_DIR: source })).code).toBe(64);
  });

  it("restores cases and attachment files into an empty data dir", async () => {
    const target = join(root, "restored");
    const r = await cli(["restore", file], { ADUAN_DATA_DIR: target });
    expect(r.code, r.out).toBe(0);
    expect(r.out).toContain("1 berkas lampiran");
    expect(r.out).toContain("cocok");
    expect(existsSync(join(target, "dev-keys.json"))).toBe(false);
    const hub = await embeddedHub(target, "backup-restored");
    try {
      const c = await hub.ctx.db.prisma.case.findUniqueOrThrow({ where: { id: caseId } });
      expect(c.number).toBe(caseNumber);
      const party = await hub.ctx.db.prisma.party.findFirstOrThrow({ where: { caseId } });
      expect(party.nikHash).toBeTruthy();
      const a = await readAttachment(hub);
      expect(a.status).toBe(200);
      expect(a.body.equals(PNG)).toBe(true);
    } finally {
      await hub.close();
    }
  });

  it("refuses a data dir that is not empty, and names wrong keys", async () => {
    const busy = join(root, "busy");
    await cli(["restore", file], { ADUAN_DATA_DIR: busy });
    const again = await cli(["restore", file], { ADUAN_DATA_DIR: busy });
    expect(again.code).toBe(1);
    expect(again.out).toContain("not empty");
    const wrong = await cli(["restore", file], {
      ADUAN_DATA_DIR: join(root, "wrong-keys"),
      ADUAN_HASH_KEY: Buffer.alloc(32, 1).toString("base64"),
    });
    expect(wrong.code).toBe(1);
    expect(wrong.out).toContain("PERINGATAN: ADUAN_HASH_KEY");
    expect(wrong.out).not.toContain("PERINGATAN: ADUAN_ENCRYPTION_KEY");
  });

  it("with DATABASE_URL explains pg_dump/pg_restore and writes nothing", async () => {
    const out = join(root, "pg.tar.gz");
    const r = await cli(["backup", "--out", out], {
      ADUAN_DATA_DIR: source,
      DATABASE_URL: "postgresql://postgres@127.0.0.1:5432/postgres",
    });
    expect(r.code).toBe(69);
    expect(r.out).toContain("pg_dump --format=custom");
    expect(r.out).toContain(join(source));
    expect(existsSync(out)).toBe(false);
    const back = await cli(["restore", out], {
      DATABASE_URL: "postgresql://postgres@127.0.0.1:5432/postgres",
    });
    expect(back.out).toContain("pg_restore");
  });
});

describe("backup through the running hub", () => {
  it("asks `serve` holding the data dir, and the archive restores", async () => {
    const serve = spawnServe(
      "all",
      {
        ...KEYS,
        ADUAN_DATA_DIR: source,
        DATABASE_URL: "",
        ADUAN_JOBS: "false",
        LAPOR_BASE_URL: "",
      },
      "backup-serve",
    );
    await serve.url;
    const file = join(root, "live.tar.gz");
    const r = await cli(["backup", "--out", file], { ADUAN_DATA_DIR: source });
    expect(r.code, r.out).toBe(0);
    expect(r.out).toContain("melalui hub");
    serve.child.kill("SIGTERM");
    expect(await serve.exited).toBe(0);
    const target = join(root, "restored-live");
    expect((await cli(["restore", file], { ADUAN_DATA_DIR: target })).code).toBe(0);
    const hub = await embeddedHub(target, "backup-restored-live");
    try {
      expect(
        (await hub.ctx.db.prisma.case.findUniqueOrThrow({ where: { id: caseId } })).number,
      ).toBe(caseNumber);
      expect((await readAttachment(hub)).body.equals(PNG)).toBe(true);
    } finally {
      await hub.close();
    }
  });
});
