// aduan-hub backup --out FILE / aduan-hub restore FILE (issue 17). Embedded database: with
// the hub stopped the command opens the data dir itself; while a hub serves it, the command
// asks that hub to write the backup (src/backup/backup.ts). With DATABASE_URL it explains
// the PostgreSQL way: pg_dump/pg_restore plus the files directory.
import { randomUUID } from "node:crypto";
import { existsSync } from "node:fs";
import { readFile, rm, writeFile, rename } from "node:fs/promises";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import type { Config } from "../config/config.js";
import { DataDirLockedError, dataDirExists } from "../db/database.js";
import { buildContext } from "../hub.js";
import { createLogger } from "../logger.js";
import { loadKeyring } from "../security/keyring.js";
import {
  BackupError,
  describeKeyNeeds,
  keyMismatches,
  REQUESTS_DIR,
  restoreBackup,
  writeBackup,
  type BackupManifest,
} from "../backup/backup.js";
import { UsageError } from "./main.js";

function postgresWay(config: Config, what: "backup" | "restore"): void {
  const dir = resolve(config.ADUAN_DATA_DIR);
  const lines =
    what === "backup"
      ? [
          "DATABASE_URL is set: back up PostgreSQL with its own tools, plus the files directory:",
          `  pg_dump --format=custom --file=aduan-$(date +%F).pgdump "$DATABASE_URL"`,
          `  tar -C ${dir} -czf aduan-files-$(date +%F).tar.gz files audit-tip.json`,
          "Run both while the hub runs (pg_dump is a consistent snapshot; a file is written",
          "before the row that names it, so take the dump first, then the files).",
        ]
      : [
          "DATABASE_URL is set: restore PostgreSQL with its own tools, plus the files directory:",
          `  pg_restore --clean --if-exists --no-owner --dbname="$DATABASE_URL" aduan-YYYY-MM-DD.pgdump`,
          `  tar -C ${dir} -xzf aduan-files-YYYY-MM-DD.tar.gz`,
          "then `aduan-hub migrate` and start the hub with the same ADUAN_ENCRYPTION_KEY,",
          "ADUAN_HASH_KEY, ADUAN_AUDIT_KEY (and ADUAN_ENCRYPTION_OLD_KEYS) as before.",
        ];
  for (const l of lines) console.log(l);
  // Nothing was written: a script that expected a backup file must not think it has one.
  process.exitCode = 69;
}

function report(out: string, m: BackupManifest): void {
  console.log(
    `cadangan ditulis: ${out} (${m.migrations.length} migrasi, ${m.files} berkas lampiran, ${m.fileBytes} byte)`,
  );
  for (const l of describeKeyNeeds(m)) console.log(l);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Asks the hub serving this data dir to write the backup (it alone may open the dir). */
async function throughRunningHub(config: Config, out: string): Promise<BackupManifest> {
  const dir = join(resolve(config.ADUAN_DATA_DIR), REQUESTS_DIR);
  if (!existsSync(dir))
    throw new BackupError(
      "hub is running on this data dir but takes no backup requests (not `serve`?); stop it first",
    );
  const id = randomUUID();
  const request = join(dir, `${id}.request.json`);
  const result = join(dir, `${id}.result.json`);
  // Written aside, then renamed in: the hub never reads half a request.
  await writeFile(join(dir, `${id}.part`), JSON.stringify({ out }));
  await rename(join(dir, `${id}.part`), request);
  const started = Date.now();
  for (;;) {
    if (existsSync(result)) {
      const r = JSON.parse(await readFile(result, "utf8")) as
        { ok: true; manifest: BackupManifest } | { ok: false; error: string };
      await rm(result, { force: true });
      if (!r.ok) throw new BackupError(`the running hub could not write the backup: ${r.error}`);
      return r.manifest;
    }
    // Unclaimed after 10 s: nobody is listening; claimed, a large backup may take a while.
    const claimed = !existsSync(request);
    if (!claimed && Date.now() - started > 10_000) {
      await rm(request, { force: true });
      throw new BackupError(
        "hub is running on this data dir but did not take the backup request; stop it first",
      );
    }
    if (Date.now() - started > 30 * 60_000) throw new BackupError("backup timed out");
    await sleep(100);
  }
}

export async function run(config: Config, args: string[]): Promise<void> {
  const { values } = parseArgs({ args, options: { out: { type: "string" } } });
  if (!values.out) throw new UsageError("backup --out FILE");
  if (config.DATABASE_URL) return postgresWay(config, "backup");
  const out = resolve(values.out);
  if (existsSync(out)) throw new UsageError(`${out} already exists`);
  if (!dataDirExists(config.ADUAN_DATA_DIR))
    throw new BackupError(`no embedded database in ${resolve(config.ADUAN_DATA_DIR)}`);
  let manifest: BackupManifest;
  try {
    // Never migrate here: a backup is what an operator takes before an upgrade.
    const ctx = await buildContext(config, { logger: createLogger("warn"), migrate: false });
    try {
      manifest = await writeBackup(ctx, out);
    } finally {
      await ctx.db.close();
    }
  } catch (e) {
    if (!(e instanceof DataDirLockedError)) throw e;
    console.log("hub sedang berjalan pada direktori data ini: cadangan dibuat melalui hub");
    manifest = await throughRunningHub(config, out);
  }
  report(out, manifest);
}

export async function restore(config: Config, args: string[]): Promise<void> {
  const { positionals } = parseArgs({ args, allowPositionals: true, options: {} });
  const file = positionals[0];
  if (!file) throw new UsageError("restore FILE");
  if (config.DATABASE_URL) return postgresWay(config, "restore");
  const { manifest, files } = await restoreBackup(resolve(file), config);
  console.log(
    `dipulihkan ke ${resolve(config.ADUAN_DATA_DIR)}: ${manifest.migrations.length} migrasi, ${files} berkas lampiran (cadangan ${manifest.createdAt}, aduan-hub ${manifest.hubVersion})`,
  );
  for (const l of describeKeyNeeds(manifest)) console.log(l);
  const env = config.ADUAN_ENCRYPTION_KEY && config.ADUAN_HASH_KEY && config.ADUAN_AUDIT_KEY;
  if (!env) {
    console.log(
      "Kunci belum diberikan: setel variabel di atas (atau letakkan dev-keys.json yang lama di direktori data) sebelum `aduan-hub serve`.",
    );
    return;
  }
  const wrong = keyMismatches(manifest, { keyring: loadKeyring(config) });
  for (const k of wrong)
    console.log(
      `PERINGATAN: ${k.variable}${k.id ? ` (id ${k.id})` : ""} berbeda dari kunci cadangan`,
    );
  if (wrong.length) process.exitCode = 1;
  else console.log("Kunci lingkungan ini cocok dengan kunci cadangan.");
}
