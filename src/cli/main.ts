// aduan-hub command line: serve | migrate | user add (later: sync, import, report, outbox…).
import { readFile } from "node:fs/promises";
import { parseArgs } from "node:util";
import { ConfigError, parseConfig, type Config } from "../config/config.js";
import { openDatabase } from "../db/database.js";
import { createLogger } from "../logger.js";
import { assertAdapterConfig, buildContext, startHub, type ServeRole } from "../hub.js";
import { addUser } from "../services/auth.service.js";
import { parseInstansi } from "../domain/instansi.js";
import { BIDANG_CODES, ROLES } from "../domain/roles.js";
import { DomainError } from "../domain/errors.js";
import { BackupError } from "../backup/backup.js";

const USAGE = `Usage: aduan-hub <command>

  serve [--role api|worker|all|public]
                                run the hub on PORT (default 3000): api = HTTP API and console,
                                worker = scheduled jobs and outbox (health probes only; refuses
                                pending migrations), all = both (default), public = only the
                                citizens' pages (/pengaduan) and the public API (no jobs)
  migrate                       apply pending database migrations
  migrate --status              list applied and pending migrations
  user add <username> --role R [--bidang B] [--instansi CODE] [--name "Nama"]
                                create a staff user; password from ADUAN_PASSWORD or stdin
                                roles: ${ROLES.join(", ")}
                                bidang (penelaah): ${BIDANG_CODES.join(", ")}
                                instansi: the user's office, e.g. 6311-DINSOS
                                (default 6309-DINSOS)
  import legacy <file> [--instansi CODE] [--json]
                                import the old monthly logs (TSV, the seed text, XLSX)
  import lapor-export <file> [--instansi CODE]
                                import a LAPOR! admin-panel export (CSV or XLSX)
  sync lapor --once [--full]    run one LAPOR! sync in the foreground and print its summary
  deadletter list|replay <id>|replay --all
                                inspect and replay records that failed mapping
  outbox flush|list             send due outbox entries now / list them
  report monthly --month YYYY-MM --format xlsx|pdf|csv --out FILE
  report annual --year YYYY --format pdf|xlsx|json [--out FILE]
  report list [--kind monthly|annual]
  recap push --periode YYYY-MM|YYYY [--target NAME]
                                push the recap to the provincial/national targets
  recap receipts [--periode P]  receipts returned by the intakes
  keys rotate [--batch 500]     re-encrypt NIKs and files still on old keys (resumable)
  keys status                   count values still on old keys
  audit verify                  check the audit log hash chain (exit 1 at the first broken link)
  audit seal                    chain the audit rows written since the last seal
  audit breach --since ISO [--until ISO] [--user U|--ip A] [--json]
                                who read or exported which personal data in a window
  pdp retention [--dry-run] [--json]
                                anonymise closed cases past the retention period
  backup --out FILE             embedded database + attachment files in one archive (hub
                                stopped, or through the running hub); keys never inside
  restore FILE                  fill an empty ADUAN_DATA_DIR from a backup; names the keys it needs
`;

async function readStdin(): Promise<string> {
  if (process.stdin.isTTY) {
    process.stderr.write("Password: ");
  }
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks)
    .toString("utf8")
    .replace(/\r?\n$/, "");
}

async function cmdServe(config: Config, args: string[]): Promise<void> {
  const { values } = parseArgs({ args, options: { role: { type: "string", default: "all" } } });
  const role = values.role as ServeRole;
  if (!["api", "worker", "all", "public"].includes(role))
    throw new UsageError("serve --role must be api, worker, all or public");
  // Every adapter checks its own options first (LAPOR_TOKEN with LAPOR_BASE_URL, issue 4).
  assertAdapterConfig(config);
  const hub = await startHub(config, { role });
  if ((role === "all" || role === "worker") && config.ADUAN_JOBS) {
    const jobs = await (await import("../jobs/runner.js")).startJobRunner(hub.ctx);
    const close = hub.close;
    hub.close = async () => {
      // Order matters: stop taking HTTP traffic and scheduling, let running jobs finish,
      // then release the database.
      hub.ctx.draining = true;
      await jobs.stop();
      await close();
    };
  }
  if (hub.ctx.db.kind === "pglite") {
    // Only this process may open the embedded data dir: `aduan-hub backup` asks it instead.
    const { startBackupListener } = await import("../backup/backup.js");
    const listener = startBackupListener(hub.ctx);
    const close = hub.close;
    hub.close = async () => {
      await listener.stop();
      await close();
    };
  }
  hub.ctx.logger.info({ role }, "serving");
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    hub.ctx.logger.info({ signal }, "shutting down: draining requests and jobs");
    const force = setTimeout(() => process.exit(1), 25_000);
    force.unref();
    hub.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on("SIGTERM", () => stop("SIGTERM"));
  process.on("SIGINT", () => stop("SIGINT"));
}

async function cmdMigrate(config: Config, status: boolean): Promise<void> {
  const logger = createLogger(config.LOG_LEVEL === "info" ? "warn" : config.LOG_LEVEL);
  const db = await openDatabase(config, logger);
  try {
    if (status) {
      const s = await db.migrationStatus();
      console.log(`applied: ${s.applied.length}`);
      for (const p of s.pending) console.log(`pending: ${p}`);
      for (const p of s.failed) console.log(`failed:  ${p}`);
      for (const p of s.modified) console.log(`modified: ${p}`);
      process.exitCode = s.pending.length || s.failed.length || s.modified.length ? 1 : 0;
    } else {
      const applied = await db.migrate();
      console.log(
        applied.length
          ? `applied ${applied.length} migration(s): ${applied.join(", ")}`
          : "database is up to date",
      );
    }
  } finally {
    await db.close();
  }
}

async function cmdUserAdd(config: Config, args: string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      role: { type: "string" },
      bidang: { type: "string" },
      instansi: { type: "string" },
      name: { type: "string" },
    },
  });
  const username = positionals[0];
  if (!username || !values.role)
    throw new UsageError("user add <username> --role R [--bidang B] [--instansi CODE]");
  // Checked before the password is asked for (addUser checks it again for the API).
  instansiOption(values.instansi);
  const password = process.env.ADUAN_PASSWORD ?? (await readStdin());
  const ctx = await buildContext(config, { logger: createLogger("warn") });
  try {
    const user = await addUser(ctx, {
      username,
      password,
      role: values.role,
      bidang: values.bidang,
      displayName: values.name,
      instansi: values.instansi,
    });
    console.log(
      `user ${user.username} created (role ${user.role}${user.bidang ? `, bidang ${user.bidang}` : ""}, instansi ${user.instansi})`,
    );
  } finally {
    await ctx.db.close();
  }
}

export class UsageError extends Error {}

/** A command's --instansi: an office code, else a usage error naming the rule. */
export function instansiOption(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const office = parseInstansi(value);
  if (!office.ok) throw new UsageError(`${office.error.message} (${office.error.code})`);
  return office.value;
}

/** The bytes of a file named on the command line; an unreadable one is a usage error. */
export async function readInputFile(file: string): Promise<Buffer> {
  try {
    return await readFile(file);
  } catch (e) {
    throw new UsageError(
      `berkas ${file} tidak dapat dibaca: ${e instanceof Error ? e.message : String(e)}`,
    );
  }
}

/**
 * The commands of the capabilities, each in its own src/cli/<name>.cli.ts exporting
 * `run(config, args)`, loaded only when named.
 */
const COMMANDS = new Map<
  string,
  () => Promise<{ run(config: Config, args: string[]): Promise<void> }>
>([
  ["import", () => import("./import.cli.js")],
  // issue 4: LAPOR! sync, dead letters, outbox
  ["sync", () => import("./sync.cli.js")],
  ["deadletter", () => import("./deadletter.cli.js")],
  ["outbox", () => import("./outbox.cli.js")],
  // issue 7
  ["report", () => import("./report.cli.js")],
  ["recap", () => import("./recap.cli.js")],
  // issue 9
  ["keys", () => import("./keys.cli.js")],
  ["audit", () => import("./audit.cli.js")],
  ["pdp", () => import("./pdp.cli.js")],
  // issue 17
  ["backup", () => import("./backup.cli.js")],
  ["restore", () => import("./backup.cli.js").then((m) => ({ run: m.restore }))],
]);

export async function main(argv: string[]): Promise<void> {
  const [command, ...rest] = argv;
  if (!command || command === "help" || command === "--help" || command === "-h") {
    process.stdout.write(USAGE);
    return;
  }
  try {
    const config = parseConfig();
    switch (command) {
      case "serve":
        return await cmdServe(config, rest);
      case "migrate":
        return await cmdMigrate(config, rest.includes("--status"));
      case "user":
        if (rest[0] === "add") return await cmdUserAdd(config, rest.slice(1));
        throw new UsageError("unknown user subcommand; try: user add");
      default: {
        const load = COMMANDS.get(command);
        if (!load) throw new UsageError(`unknown command ${command}`);
        return await (await load()).run(config, rest);
      }
    }
  } catch (e) {
    if (e instanceof UsageError) {
      console.error(`aduan-hub: ${e.message}\n\n${USAGE}`);
      process.exitCode = 64;
    } else if (e instanceof ConfigError) {
      console.error(e.message);
      process.exitCode = 78;
    } else if (e instanceof BackupError) {
      console.error(`aduan-hub: ${e.message}`);
      process.exitCode = 1;
    } else if (e instanceof DomainError) {
      console.error(`aduan-hub: ${e.message} (${e.code})`);
      process.exitCode = 1;
    } else {
      console.error(`aduan-hub: ${e instanceof Error ? e.message : String(e)}`);
      process.exitCode = 1;
    }
  }
}
