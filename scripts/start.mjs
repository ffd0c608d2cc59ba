// npm start: build when the sources are newer than dist/, then `aduan-hub serve`.
// Without LAPOR_BASE_URL a LAPOR! sandbox is started on loopback and the hub pointed at
// it (LAPOR_BASE_URL/LAPOR_TOKEN for the child, first sync within a minute), so a
// newcomer sees cases arrive. Set LAPOR_BASE_URL (and LAPOR_TOKEN) for the real upstream.
// First run: with no staff account yet, ADUAN_ADMIN_USER + ADUAN_PASSWORD create the
// first admin before the hub starts (the embedded database allows one process at a time,
// so this cannot be done from a second terminal while the hub runs).
import { execFileSync, spawn, spawnSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { setTimeout } from "node:timers";
import { HUB_NODE_FLAGS } from "../bin/node-flags.js";

function newest(dir) {
  let t = 0;
  if (!existsSync(dir)) return t;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    t = Math.max(t, e.isDirectory() ? newest(p) : statSync(p).mtimeMs);
  }
  return t;
}

const marker = "dist/src/cli/main.js";
const stale =
  !existsSync(marker) ||
  Math.max(newest("src"), newest("adapters"), statSync("package.json").mtimeMs) >
    statSync(marker).mtimeMs;
if (stale) {
  console.log("aduan-hub: building…");
  try {
    execFileSync(
      process.execPath,
      ["node_modules/typescript/bin/tsc", "-p", "tsconfig.build.json"],
      { stdio: "inherit" },
    );
  } catch {
    console.error("aduan-hub: the build failed (errors above); the hub was not started");
    process.exit(1);
  }
}

const env = { ...process.env };

// Staff accounts so far (0 on a fresh data dir, before migrations ran): decides the banner.
async function staffCount() {
  try {
    const { parseConfig } = await import("../dist/src/config/config.js");
    const { openDatabase } = await import("../dist/src/db/database.js");
    const db = await openDatabase(parseConfig(env));
    try {
      return await db.prisma.user.count();
    } finally {
      await db.close();
    }
  } catch {
    return 0;
  }
}

let staff = await staffCount();
if (staff === 0 && env.ADUAN_ADMIN_USER && env.ADUAN_PASSWORD) {
  const r = spawnSync(
    process.execPath,
    ["bin/aduan-hub.js", "user", "add", env.ADUAN_ADMIN_USER, "--role", "admin"],
    { stdio: "inherit", env },
  );
  if (r.status !== 0) process.exit(r.status ?? 1);
  staff = 1;
}

let sandbox = null;
if (!env.LAPOR_BASE_URL) {
  const { createLaporSandbox } = await import("../dist/adapters/lapor/sandbox/lapor-sandbox.js");
  const count = Number(env.LAPOR_SANDBOX_COUNT || 500);
  // Dated over the last weeks: a first start looks like a live office (a few late cases).
  const sb = createLaporSandbox({
    count,
    seed: Number(env.LAPOR_SANDBOX_SEED || 1),
    relativeTo: Date.now(),
  });
  sandbox = await sb.start(Number(env.LAPOR_SANDBOX_PORT || 0), "127.0.0.1");
  env.LAPOR_BASE_URL = sandbox.url;
  env.LAPOR_TOKEN = sb.state.token;
  // First cases within a minute instead of waiting for the five-minute mark.
  env.LAPOR_SYNC_CRON ??= "* * * * *";
  console.log(
    `aduan-hub: LAPOR_BASE_URL not set — LAPOR! sandbox with ${count} reports on ${sandbox.url}` +
      " (set LAPOR_BASE_URL and LAPOR_TOKEN for the real upstream)",
  );
}

// Likewise the recap push: without REKAP_TARGETS a loopback receiver stands in for the
// provincial intake, so the monthly recap can be pushed and its receipt seen.
let rekap = null;
if (!env.REKAP_TARGETS) {
  const { createRekapSandbox } = await import("../dist/adapters/rekap/sandbox/rekap-sandbox.js");
  const key = "sandbox-rekap-key";
  rekap = await createRekapSandbox({ keys: { "6309-DINSOS": key } }).start(
    Number(env.REKAP_SANDBOX_PORT || 0),
    "127.0.0.1",
  );
  env.REKAP_TARGETS = JSON.stringify([
    { name: "sandbox-provinsi", baseUrl: rekap.url, key, instansiKode: "6309-DINSOS" },
  ]);
}

const url = `http://${env.HOST && env.HOST !== "0.0.0.0" ? env.HOST : "127.0.0.1"}:${env.PORT || 3000}`;
const banner = [
  "",
  "  ┌─ aduan-hub ───────────────────────────────────────────────────────────",
  `  │ Konsol & API : ${url}   (API: ${url}/api/v1)`,
  `  │ Basis data   : ${env.DATABASE_URL ? "PostgreSQL (DATABASE_URL)" : `PGlite di ${env.ADUAN_DATA_DIR || "./data"}`}`,
  sandbox
    ? "  │ LAPOR!       : sandbox lokal; laporan pertama masuk dalam ±1 menit"
    : `  │ LAPOR!       : ${env.LAPOR_BASE_URL}`,
  rekap
    ? `  │ Rekap        : penerima sandbox di ${rekap.url} (atur REKAP_TARGETS untuk provinsi)`
    : "  │ Rekap        : REKAP_TARGETS",
  ...(staff === 0
    ? [
        "  │",
        "  │ Belum ada akun staf. Hentikan hub (Ctrl-C), lalu jalankan:",
        "  │   ADUAN_ADMIN_USER=admin ADUAN_PASSWORD='kata-sandi-kuat' npm start",
        "  │ (atau: ADUAN_PASSWORD='…' node bin/aduan-hub.js user add admin --role admin)",
      ]
    : []),
  "  │ Berhenti: Ctrl-C",
  "  └───────────────────────────────────────────────────────────────────────",
  "",
].join("\n");

// Own process group: Ctrl-C reaches this script only, which passes it on exactly once
// (a second Ctrl-C is passed on too, and the hub then stops without draining).
const child = spawn(
  process.execPath,
  [...HUB_NODE_FLAGS, "bin/aduan-hub.js", "serve", ...process.argv.slice(2)],
  {
    stdio: "inherit",
    env,
    detached: true,
  },
);
setTimeout(() => console.log(banner), 1500).unref();
for (const sig of ["SIGINT", "SIGTERM", "SIGHUP"])
  process.on(sig, () => child.kill(sig === "SIGHUP" ? "SIGTERM" : sig));
child.on("exit", async (code, signal) => {
  if (sandbox) await sandbox.close().catch(() => {});
  if (rekap) await rekap.close().catch(() => {});
  process.exit(code ?? (signal ? 1 : 0));
});
