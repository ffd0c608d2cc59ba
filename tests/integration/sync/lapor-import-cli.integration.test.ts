// `aduan-hub import lapor-export <file>` end to end through the CLI dispatcher: the same
// upsert as the API sync, deduped by tracking id on a re-import.
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { resetDb, startTestHub, type TestHub } from "../../helpers/test-hub.js";
import { main } from "../../../src/cli/main.js";

const CSV = [
  "No. Tracking;Tanggal Masuk;Kategori;Isi Laporan;Status;Instansi Terdisposisi",
  "66601001;05/03/2024 09:15;Bantuan Sosial;Saya belum menerima BPNT bulan ini, mohon dicek;Terdisposisi;Dinas Sosial Kabupaten Tabalong",
  '66601002;2024-03-06;Kesehatan;"PBI JK saya nonaktif; mohon diaktifkan";Ditindaklanjuti;Dinas Sosial Kabupaten Tabalong',
  "66601003;07/03/2024;Lainnya;Bantuan PKH belum cair;Terdisposisi;Dinas Sosial",
].join("\n");

describe("aduan-hub import lapor-export", () => {
  let hub: TestHub;
  let dir: string;
  beforeAll(async () => {
    hub = await startTestHub({ name: "lapor-import-cli" });
    dir = await mkdtemp(join(tmpdir(), "lapor-export-"));
  });
  afterAll(async () => hub?.close());
  beforeEach(async () => {
    await resetDb(hub);
    process.exitCode = undefined;
  });

  async function cli(args: string[]): Promise<string> {
    const lines: string[] = [];
    const log = vi.spyOn(console, "log").mockImplementation((...a: unknown[]) => {
      lines.push(a.map(String).join(" "));
    });
    try {
      // The CLI opens its own context from the environment, on the test hub's database.
      const prev = { ...process.env };
      Object.assign(process.env, {
        DATABASE_URL: hub.ctx.config.DATABASE_URL,
        ADUAN_ENCRYPTION_KEY: hub.ctx.config.ADUAN_ENCRYPTION_KEY,
        ADUAN_HASH_KEY: hub.ctx.config.ADUAN_HASH_KEY,
        ADUAN_AUDIT_KEY: hub.ctx.config.ADUAN_AUDIT_KEY,
        LOG_LEVEL: "silent",
      });
      try {
        await main(args);
      } finally {
        process.env = prev;
      }
    } finally {
      log.mockRestore();
    }
    return lines.join("\n");
  }

  const count = async (where: string) =>
    Number(
      (
        await hub.ctx.db.sql.query<{ n: string }>(
          `SELECT count(*)::text AS n FROM "Case" WHERE ${where}`,
        )
      )[0]?.n,
    );

  it("creates one case per tracking id, and a re-import creates nothing twice", async () => {
    const file = join(dir, "ekspor-lapor.csv");
    await writeFile(file, CSV);
    const first = await cli(["import", "lapor-export", file]);
    expect(first).toMatch(/3 row\(s\)\s+created 3\s+updated 0\s+unchanged 0\s+failed 0/);
    expect(process.exitCode ?? 0).toBe(0);
    expect(await count(`channel = 'lapor'`)).toBe(3);

    const again = await cli(["import", "lapor-export", file]);
    expect(again).toMatch(/created 0\s+updated 0\s+unchanged 3\s+failed 0/);
    expect(await count(`channel = 'lapor'`)).toBe(3);

    // A later export moves one report forward: updated in place, not duplicated.
    await writeFile(
      file,
      CSV.replace(
        "66601003;07/03/2024;Lainnya;Bantuan PKH belum cair;Terdisposisi",
        "66601003;07/03/2024;Lainnya;Bantuan PKH belum cair;Selesai",
      ),
    );
    const later = await cli(["import", "lapor-export", file]);
    expect(later).toMatch(/created 0\s+updated 1\s+unchanged 2/);
    expect(await count(`channel = 'lapor'`)).toBe(3);
    expect(await count(`"externalId" = '66601003' AND status = 'selesai'`)).toBe(1);
  });

  it("--instansi imports into that office; a bad code is a usage error that changes nothing", async () => {
    const file = join(dir, "ekspor-lapor-balangan.csv");
    await writeFile(file, CSV);
    const errors: string[] = [];
    const err = vi.spyOn(console, "error").mockImplementation((...a: unknown[]) => {
      errors.push(a.map(String).join(" "));
    });
    try {
      await cli(["import", "lapor-export", file, "--instansi", "6311"]);
    } finally {
      err.mockRestore();
    }
    expect(process.exitCode).toBe(64);
    expect(errors.join("\n")).toMatch(/INSTANSI_INVALID/);
    expect(await count("TRUE")).toBe(0);
    process.exitCode = undefined;

    const out = await cli(["import", "lapor-export", file, "--instansi", "6311-DINSOS"]);
    expect(out).toMatch(/created 3/);
    expect(await count(`instansi = '6311-DINSOS'`)).toBe(3);
    expect(await count(`instansi <> '6311-DINSOS'`)).toBe(0);
  });

  it("an unreadable file is a usage error (exit 64) that changes nothing", async () => {
    const errors: string[] = [];
    const err = vi.spyOn(console, "error").mockImplementation((...a: unknown[]) => {
      errors.push(a.map(String).join(" "));
    });
    try {
      await cli(["import", "lapor-export", join(dir, "tidak-ada.csv")]);
    } finally {
      err.mockRestore();
    }
    expect(process.exitCode).toBe(64);
    expect(errors.join("\n")).toMatch(/tidak-ada\.csv tidak dapat dibaca/);
    expect(await count("TRUE")).toBe(0);
    process.exitCode = undefined;
  });
});
