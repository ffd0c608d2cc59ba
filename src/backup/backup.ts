// Backup and restore of the embedded database with its attachment files (issue 17).
//
// The archive (gzipped tar) holds, in this order: aduan-backup.json (the manifest), pg.tar.gz
// (PGlite's own dump of the database directory, taken between two queries after a
// checkpoint), files/… (the attachment files, already encrypted at rest) and audit-tip.json
// (the seal tip beside the database). Keys are never inside: not the environment's, not a
// development dev-keys.json. The manifest names the keys a restore needs, each with a
// fingerprint (a one-way hash) so a restore can tell a wrong key from the right one.
import { createHash } from "node:crypto";
import { createReadStream, createWriteStream, existsSync } from "node:fs";
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from "node:fs/promises";
import { dirname, isAbsolute, join, normalize, resolve, sep } from "node:path";
import { pipeline } from "node:stream/promises";
import { createGunzip, createGzip } from "node:zlib";
import { extract, pack } from "tar-stream";
import type { Config } from "../config/config.js";
import type { HubContext } from "../context.js";
import { restorePgliteDataDir } from "../db/database.js";
import { tipFilePath } from "../pdp/audit-tip.js";

export const BACKUP_FORMAT = "aduan-hub-backup";
const MANIFEST = "aduan-backup.json";
const PG_DUMP = "pg.tar.gz";
const TIP = "audit-tip.json";

export type KeyNeed = { variable: string; id?: string; fingerprint: string };

export type BackupManifest = {
  format: typeof BACKUP_FORMAT;
  version: 1;
  hubVersion: string;
  createdAt: string;
  database: "pglite";
  migrations: string[];
  files: number;
  fileBytes: number;
  keys: KeyNeed[];
  /** Where the keys came from when the backup was made (env, or a dev-keys.json). */
  keySource: "environment" | "dev-keys.json";
};

export class BackupError extends Error {}

/** One-way: tells whether a key is the same, never what it is. */
export function keyFingerprint(key: Buffer): string {
  return createHash("sha256")
    .update("aduan-hub key fingerprint\0")
    .update(key)
    .digest("hex")
    .slice(0, 16);
}

export function keyNeeds(ctx: Pick<HubContext, "keyring">): KeyNeed[] {
  const k = ctx.keyring;
  const needs: KeyNeed[] = [];
  for (const [id, key] of k.keys) {
    needs.push({
      variable: id === k.currentId ? "ADUAN_ENCRYPTION_KEY" : "ADUAN_ENCRYPTION_OLD_KEYS",
      id,
      fingerprint: keyFingerprint(key),
    });
  }
  needs.push({ variable: "ADUAN_HASH_KEY", fingerprint: keyFingerprint(k.hashKey) });
  needs.push({ variable: "ADUAN_AUDIT_KEY", fingerprint: keyFingerprint(k.auditKey) });
  return needs;
}

/** The lines an operator reads: which keys to bring to the restore. */
export function describeKeyNeeds(m: Pick<BackupManifest, "keys" | "keySource">): string[] {
  const lines = [
    "Kunci TIDAK ada di dalam cadangan. Pemulihan memerlukan kunci berikut (sidik jari sha256):",
  ];
  for (const k of m.keys)
    lines.push(`  ${k.variable}${k.id ? ` (id ${k.id})` : ""}: ${k.fingerprint}`);
  lines.push(
    m.keySource === "dev-keys.json"
      ? "  Kunci berasal dari dev-keys.json di direktori data: simpan salinannya terpisah dari cadangan."
      : "  Kunci berasal dari lingkungan (environment): simpan salinannya terpisah dari cadangan.",
  );
  return lines;
}

async function listFiles(root: string, rel = ""): Promise<string[]> {
  const dir = join(root, rel);
  if (!existsSync(dir)) return [];
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const r = rel ? `${rel}/${e.name}` : e.name;
    if (e.isDirectory()) out.push(...(await listFiles(root, r)));
    // Temporary names of a write in progress (file-store) are not files yet.
    else if (e.isFile() && !e.name.endsWith(".tmp")) out.push(r);
  }
  return out.sort();
}

function entry(p: ReturnType<typeof pack>, name: string, body: Buffer): Promise<void> {
  return new Promise((ok, fail) =>
    p.entry({ name, size: body.length, mode: 0o600 }, body, (e) => (e ? fail(e) : ok())),
  );
}

/**
 * Writes the backup of an open embedded database to `out` (never overwriting a file). The
 * database first, then the files: every file a row of the dump refers to was written before
 * that row (file-store), so it is there when the files are read.
 */
export async function writeBackup(ctx: HubContext, out: string): Promise<BackupManifest> {
  const dump = ctx.db.dumpDataDir;
  if (!dump) throw new BackupError("backup of the embedded database only (DATABASE_URL is set)");
  const target = resolve(out);
  if (existsSync(target)) throw new BackupError(`${target} already exists`);
  const dataDir = resolve(ctx.config.ADUAN_DATA_DIR);
  const status = await ctx.db.migrationStatus();
  const pg = Buffer.from(await (await dump.call(ctx.db)).arrayBuffer());
  const files = await listFiles(join(dataDir, "files"));
  let fileBytes = 0;
  for (const f of files) fileBytes += (await stat(join(dataDir, "files", f))).size;
  const manifest: BackupManifest = {
    format: BACKUP_FORMAT,
    version: 1,
    hubVersion: ctx.version,
    createdAt: ctx.clock().toISOString(),
    database: "pglite",
    migrations: status.applied,
    files: files.length,
    fileBytes,
    keys: keyNeeds(ctx),
    keySource:
      ctx.config.ADUAN_ENCRYPTION_KEY && ctx.config.ADUAN_HASH_KEY && ctx.config.ADUAN_AUDIT_KEY
        ? "environment"
        : "dev-keys.json",
  };
  await mkdir(dirname(target), { recursive: true });
  const partial = `${target}.part`;
  const p = pack();
  const written = pipeline(
    p,
    createGzip(),
    createWriteStream(partial, { flags: "wx", mode: 0o600 }),
  );
  try {
    await entry(p, MANIFEST, Buffer.from(JSON.stringify(manifest, null, 2)));
    await entry(p, PG_DUMP, pg);
    for (const f of files) await entry(p, `files/${f}`, await readFile(join(dataDir, "files", f)));
    const tip = tipFilePath(ctx.config);
    if (tip && resolve(tip) === join(dataDir, TIP) && existsSync(tip))
      await entry(p, TIP, await readFile(tip));
    p.finalize();
    await written;
    await rename(partial, target);
  } catch (e) {
    p.destroy();
    await written.catch(() => undefined);
    await rm(partial, { force: true });
    throw e;
  }
  return manifest;
}

/** A name inside the archive as a path under `root`, or null when it would leave it. */
function inside(root: string, name: string): string | null {
  if (isAbsolute(name) || name.includes("\0")) return null;
  const full = normalize(join(root, name));
  return full.startsWith(root + sep) ? full : null;
}

export type RestoreResult = { manifest: BackupManifest; files: number };

/**
 * Fills an empty data dir from a backup: the database directory, the files and the seal
 * tip. A data dir holding anything is refused; on failure what was written is removed.
 */
export async function restoreBackup(file: string, config: Config): Promise<RestoreResult> {
  const dataDir = resolve(config.ADUAN_DATA_DIR);
  if (existsSync(dataDir) && (await readdir(dataDir)).length > 0)
    throw new BackupError(`${dataDir} is not empty: restore only into an empty data dir`);
  if (!existsSync(file)) throw new BackupError(`${file} not found`);
  await mkdir(dataDir, { recursive: true });
  let manifest: BackupManifest | null = null;
  let pg: Buffer | null = null;
  let files = 0;
  try {
    const x = extract();
    const reading = pipeline(createReadStream(file), createGunzip(), x);
    for await (const e of x) {
      const chunks: Buffer[] = [];
      for await (const c of e) chunks.push(c as Buffer);
      const body = Buffer.concat(chunks);
      const name = e.header.name;
      if (name === MANIFEST) {
        const m = JSON.parse(body.toString("utf8")) as Partial<BackupManifest>;
        if (m.format !== BACKUP_FORMAT || m.version !== 1)
          throw new BackupError(`${file} is not an aduan-hub backup (format ${String(m.format)})`);
        manifest = m as BackupManifest;
      } else if (!manifest) {
        throw new BackupError(`${file}: the manifest must come first`);
      } else if (name === PG_DUMP) {
        pg = body;
      } else if (name === TIP || name.startsWith("files/")) {
        const to = inside(dataDir, name);
        if (!to) throw new BackupError(`${file}: entry ${name} leaves the data dir`);
        await mkdir(dirname(to), { recursive: true });
        await writeFile(to, body, { mode: 0o600 });
        if (name !== TIP) files++;
      } else {
        throw new BackupError(`${file}: unexpected entry ${name}`);
      }
    }
    await reading;
    if (!manifest || !pg) throw new BackupError(`${file}: no database inside`);
    if (files !== manifest.files)
      throw new BackupError(`${file}: ${files} files inside, the manifest says ${manifest.files}`);
    await restorePgliteDataDir(dataDir, new Blob([new Uint8Array(pg)]));
  } catch (e) {
    // Back to the empty directory it was (it may be a mount point: keep the directory).
    for (const name of await readdir(dataDir).catch(() => [] as string[]))
      await rm(join(dataDir, name), { recursive: true, force: true });
    if (e instanceof BackupError) throw e;
    throw new BackupError(`restore failed: ${e instanceof Error ? e.message : String(e)}`);
  }
  return { manifest, files };
}

/** Keys of this environment that differ from the backup's (by fingerprint). */
export function keyMismatches(m: BackupManifest, ctx: Pick<HubContext, "keyring">): KeyNeed[] {
  const have = new Map(keyNeeds(ctx).map((k) => [`${k.variable}:${k.id ?? ""}`, k.fingerprint]));
  return m.keys.filter((k) => {
    const mine =
      have.get(`${k.variable}:${k.id ?? ""}`) ??
      // The current key of the backup may be an old key here (rotated since).
      have.get(`ADUAN_ENCRYPTION_OLD_KEYS:${k.id ?? ""}`) ??
      have.get(`ADUAN_ENCRYPTION_KEY:${k.id ?? ""}`);
    return mine !== k.fingerprint;
  });
}

// ---- through the running hub (embedded: one process may open the data dir) ----

export const REQUESTS_DIR = "backup-requests";

/**
 * The serving hub's side: a backup asked for by `aduan-hub backup` while the hub holds the
 * data dir. A request is a file <id>.request.json ({"out": path}) dropped in
 * <dataDir>/backup-requests; the hub claims it (rename), writes the backup and answers in
 * <id>.result.json. Whoever may write into the data dir may read the database anyway.
 */
export function startBackupListener(ctx: HubContext): { stop(): Promise<void> } {
  const dir = join(resolve(ctx.config.ADUAN_DATA_DIR), REQUESTS_DIR);
  let chain: Promise<void> = Promise.resolve();
  let stopped = false;
  const scan = () => {
    chain = chain.then(async () => {
      if (stopped) return;
      for (const name of await readdir(dir).catch(() => [] as string[])) {
        if (!name.endsWith(".request.json")) continue;
        const id = name.slice(0, -".request.json".length);
        const taken = join(dir, `${id}.taken`);
        try {
          await rename(join(dir, name), taken);
        } catch {
          continue; // claimed already
        }
        let result: Record<string, unknown>;
        try {
          const req = JSON.parse(await readFile(taken, "utf8")) as { out?: unknown };
          if (typeof req.out !== "string" || !isAbsolute(req.out))
            throw new BackupError("request without an absolute out path");
          const manifest = await writeBackup(ctx, req.out);
          result = { ok: true, manifest };
          ctx.logger.info({ files: manifest.files }, "backup written on request");
        } catch (e) {
          result = { ok: false, error: e instanceof Error ? e.message : String(e) };
          ctx.logger.error({ err: result.error }, "backup request failed");
        }
        await writeFile(join(dir, `${id}.result.json`), JSON.stringify(result));
        await rm(taken, { force: true });
      }
    });
  };
  let watcher: ReturnType<typeof import("node:fs").watch> | null = null;
  const ready = (async () => {
    await mkdir(dir, { recursive: true, mode: 0o700 });
    const { watch } = await import("node:fs");
    watcher = watch(dir, () => scan());
    watcher.unref();
    scan();
  })().catch((e: unknown) =>
    ctx.logger.error({ err: (e as Error).message }, "backup listener not started"),
  );
  return {
    async stop() {
      stopped = true;
      await ready;
      watcher?.close();
      await chain.catch(() => undefined);
    },
  };
}
