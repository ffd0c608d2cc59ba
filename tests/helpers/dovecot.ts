// A real IMAP server for tests: Debian's dovecot-imapd, started as a plain foreground
// process on loopback with a generated config in a temp dir. Nothing of the system's
// /etc/dovecot is used, so it runs next to (or without) an installed system service.
//
// Quirks found on Debian 12 (dovecot 2.3.19):
// - the auth process runs as the `dovecot` user and must read the passwd-file: the temp
//   dir gets mode 0711 (traverse only) and the file 0644 (test credentials only);
// - mail access as uid 0 is refused outright ("userdb returned 0 as uid"), even with
//   first_valid_uid = 0: as root the mailbox belongs to `nobody`, whose maildir we chown;
// - login and anvil chroot by default, which needs root: chroot is emptied so the same
//   config also runs rootless (then every internal user and default_internal_group are
//   the current user's, else chown of the listener sockets fails). Both paths tested
//   on 2.3.19; the 2.4 branch of renderConfig (Debian 13) follows the 2.4 docs untested.
import { markSkippedForPeer } from "./skipped-peers.js";
import { spawn, execFile, type ChildProcess } from "node:child_process";
import { promises as fs, constants as fsConstants, readFileSync } from "node:fs";
import { createServer, connect } from "node:net";
import { tmpdir, userInfo } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { ImapFlow } from "imapflow";

const execFileAsync = promisify(execFile);

export const DOVECOT_APT_PACKAGE = "dovecot-imapd";

export interface DovecotServer {
  readonly host: string;
  readonly port: number;
  readonly user: string;
  readonly password: string;
  /** Dovecot version string, e.g. "2.3.19.1". */
  readonly version: string;
  /** IMAP APPEND as the test user; creates the mailbox when missing. */
  append(
    mailbox: string,
    rawRfc822: string | Buffer,
    flags?: string[],
    internalDate?: Date,
  ): Promise<{ uid: number | null; uidValidity: bigint | null }>;
  /** The server log so far (for failing-test diagnostics; contains no mail content). */
  log(): Promise<string>;
  stop(): Promise<void>;
}

export type DovecotAvailability =
  | { readonly available: true; readonly binary: string; readonly version: string }
  | { readonly available: false; readonly reason: string };

const SEARCH_DIRS = ["/usr/sbin", "/usr/local/sbin", "/sbin"];

async function findBinary(): Promise<string | null> {
  const fromEnv = process.env.DOVECOT_BIN;
  const dirs = [...(process.env.PATH ?? "").split(":").filter(Boolean), ...SEARCH_DIRS];
  const candidates = fromEnv ? [fromEnv] : dirs.map((d) => join(d, "dovecot"));
  for (const candidate of candidates) {
    try {
      await fs.access(candidate, fsConstants.X_OK);
      return candidate;
    } catch {
      // next candidate
    }
  }
  return null;
}

let availabilityCache: Promise<DovecotAvailability> | null = null;

/** Whether dovecot can be started here, with a reason a developer can act on if not. */
export function dovecotAvailability(): Promise<DovecotAvailability> {
  availabilityCache ??= (async (): Promise<DovecotAvailability> => {
    const binary = await findBinary();
    if (binary === null) {
      return {
        available: false,
        reason:
          `dovecot binary not found (PATH, ${SEARCH_DIRS.join(", ")}, or DOVECOT_BIN); ` +
          `install it with: apt-get install -y ${DOVECOT_APT_PACKAGE}`,
      };
    }
    try {
      const { stdout } = await execFileAsync(binary, ["--version"], { timeout: 10_000 });
      const version = stdout.trim().split(/\s+/)[0] ?? "";
      if (!/^2\.\d+/.test(version)) {
        return { available: false, reason: `unsupported dovecot version "${stdout.trim()}"` };
      }
      return { available: true, binary, version };
    } catch (error) {
      return {
        available: false,
        reason: `${binary} --version failed: ${error instanceof Error ? error.message : String(error)}`,
      };
    }
  })();
  return availabilityCache;
}

/**
 * Tests call this to decide between running and skipping. With ADUAN_REQUIRE_DOVECOT=1
 * (set by CI, which installs the package) a missing server fails instead of skipping.
 */
export async function dovecotSkipReason(): Promise<string | null> {
  const availability = await dovecotAvailability();
  if (availability.available) return null;
  if (process.env.ADUAN_REQUIRE_DOVECOT === "1") {
    throw new Error(`ADUAN_REQUIRE_DOVECOT=1 but ${availability.reason}`);
  }
  markSkippedForPeer(`dovecot (IMAP tests): ${availability.reason}`);
  return availability.reason;
}

export class DovecotUnavailableError extends Error {
  constructor(readonly reason: string) {
    super(`dovecot is not available: ${reason}`);
    this.name = "DovecotUnavailableError";
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

interface MailIdentity {
  readonly uid: number;
  readonly gid: number;
  /** Name for default_internal_user/default_login_user (rootless runs only). */
  readonly userName: string | null;
  /** Name for default_internal_group (rootless runs only): listener sockets get chowned. */
  readonly groupName: string | null;
}

function lookupGroupName(gid: number): string | null {
  try {
    for (const line of readFileSync("/etc/group", "utf8").split("\n")) {
      const [name, , id] = line.split(":");
      if (name && Number(id) === gid) return name;
    }
  } catch {
    // no /etc/group: fall through
  }
  return null;
}

/** /etc/passwd lookup: node has no getpwnam. */
function lookupUser(name: string): { uid: number; gid: number } | null {
  try {
    for (const line of readFileSync("/etc/passwd", "utf8").split("\n")) {
      const [user, , uid, gid] = line.split(":");
      if (user === name && uid !== undefined && gid !== undefined) {
        return { uid: Number(uid), gid: Number(gid) };
      }
    }
  } catch {
    // no /etc/passwd: fall through
  }
  return null;
}

function mailIdentity(): MailIdentity {
  const me = userInfo();
  if (me.uid !== 0) {
    return { uid: me.uid, gid: me.gid, userName: me.username, groupName: lookupGroupName(me.gid) };
  }
  const nobody = lookupUser("nobody") ?? { uid: 65534, gid: 65534 };
  return { uid: nobody.uid, gid: nobody.gid, userName: null, groupName: null };
}

function majorMinor(version: string): [number, number] {
  const [major, minor] = version.split(".").map((n) => Number(n));
  return [major ?? 2, minor ?? 3];
}

function renderConfig(options: {
  version: string;
  dir: string;
  port: number;
  passwdFile: string;
  identity: MailIdentity;
}): string {
  const { dir, port, passwdFile, identity } = options;
  const [major, minor] = majorMinor(options.version);
  const is24 = major > 2 || (major === 2 && minor >= 4);
  const rootless =
    identity.userName !== null
      ? [
          `default_internal_user = ${identity.userName}`,
          `default_login_user = ${identity.userName}`,
          ...(identity.groupName ? [`default_internal_group = ${identity.groupName}`] : []),
        ]
      : [];
  const common = [
    `base_dir = ${join(dir, "run")}`,
    `state_dir = ${join(dir, "state")}`,
    `log_path = ${join(dir, "dovecot.log")}`,
    `instance_name = aduan-test-${port}`,
    "protocols = imap",
    "listen = 127.0.0.1",
    "ssl = no",
    "auth_mechanisms = plain login",
    // Our test user is nobody (65534) as root, or the current user rootless.
    "first_valid_uid = 1",
    "last_valid_uid = 0",
    ...rootless,
    "service imap-login {",
    "  chroot =",
    "  inet_listener imap {",
    `    port = ${port}`,
    "  }",
    "  inet_listener imaps {",
    "    port = 0",
    "  }",
    "}",
    "service anvil {",
    "  chroot =",
    "}",
  ];
  if (is24) {
    return [
      // 2.4 demands these two first; the rest of the syntax was renamed.
      "dovecot_config_version = 2.4.0",
      "dovecot_storage_version = 2.4.0",
      ...common,
      "auth_allow_cleartext = yes",
      "mail_driver = maildir",
      "mail_path = ~/Maildir",
      "passdb passwd-file {",
      `  passwd_file_path = ${passwdFile}`,
      "}",
      "userdb passwd-file {",
      `  passwd_file_path = ${passwdFile}`,
      "}",
      "",
    ].join("\n");
  }
  return [
    ...common,
    "disable_plaintext_auth = no",
    "mail_location = maildir:~/Maildir",
    "passdb {",
    "  driver = passwd-file",
    `  args = scheme=PLAIN username_format=%u ${passwdFile}`,
    "}",
    "userdb {",
    "  driver = passwd-file",
    `  args = username_format=%u ${passwdFile}`,
    "}",
    "",
  ].join("\n");
}

/** Resolves once the greeting says the server is ready (auth connected), or rejects. */
async function waitForGreeting(
  port: number,
  child: ChildProcess,
  timeoutMs: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`dovecot exited early (code ${child.exitCode}, signal ${child.signalCode})`);
    }
    const greeting = await new Promise<string | null>((resolve) => {
      const socket = connect(port, "127.0.0.1");
      let data = "";
      const done = (value: string | null): void => {
        socket.destroy();
        resolve(value);
      };
      socket.setTimeout(1_000, () => done(data || null));
      socket.on("data", (chunk: Buffer) => {
        data += chunk.toString("utf8");
        // Until auth is up the greeting is "* OK Waiting for authentication process".
        if (/\bready\b/i.test(data)) done(data);
      });
      socket.on("error", () => done(null));
    });
    if (greeting !== null && /\bready\b/i.test(greeting)) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`dovecot did not greet on 127.0.0.1:${port} within ${timeoutMs} ms`);
}

export async function startDovecot(
  options: { user?: string; password?: string; startTimeoutMs?: number } = {},
): Promise<DovecotServer> {
  const availability = await dovecotAvailability();
  if (!availability.available) throw new DovecotUnavailableError(availability.reason);

  const user = options.user ?? "pengaduan";
  const password = options.password ?? "rahasia-uji-123";
  const identity = mailIdentity();
  const dir = await fs.mkdtemp(join(tmpdir(), "aduan-dovecot-"));
  // Internal dovecot users (auth as `dovecot`, imap as the mail user) must traverse it.
  await fs.chmod(dir, 0o711);
  await fs.mkdir(join(dir, "run"));
  await fs.mkdir(join(dir, "state"));
  const home = join(dir, "home", user);
  await fs.mkdir(home, { recursive: true });
  await fs.chmod(join(dir, "home"), 0o711);
  await fs.chown(home, identity.uid, identity.gid);
  const passwdFile = join(dir, "passwd");
  await fs.writeFile(
    passwdFile,
    `${user}:{PLAIN}${password}:${identity.uid}:${identity.gid}::${home}::\n`,
    { mode: 0o644 },
  );

  let child: ChildProcess | null = null;
  let port = 0;
  let lastError: unknown = null;
  // The free-port probe can race with another process: try a few ports.
  for (let attempt = 0; attempt < 3 && child === null; attempt += 1) {
    port = await freePort();
    const configFile = join(dir, "dovecot.conf");
    await fs.writeFile(
      configFile,
      renderConfig({ version: availability.version, dir, port, passwdFile, identity }),
    );
    const spawned = spawn(availability.binary, ["-F", "-c", configFile], {
      stdio: ["ignore", "pipe", "pipe"],
      env: { ...process.env, HOME: dir },
    });
    let stderr = "";
    spawned.stderr?.on("data", (chunk: Buffer) => {
      stderr = (stderr + chunk.toString("utf8")).slice(-4_000);
    });
    spawned.stdout?.resume();
    try {
      await waitForGreeting(port, spawned, options.startTimeoutMs ?? 15_000);
      child = spawned;
    } catch (error) {
      spawned.kill("SIGKILL");
      const log = await fs.readFile(join(dir, "dovecot.log"), "utf8").catch(() => "");
      lastError = new Error(
        `${error instanceof Error ? error.message : String(error)}\n` +
          `stderr: ${stderr.trim()}\nlog: ${log.trim()}`,
      );
    }
  }
  if (child === null) {
    await fs.rm(dir, { recursive: true, force: true });
    throw lastError instanceof Error ? lastError : new Error("dovecot did not start");
  }
  const proc = child;

  let client: ImapFlow | null = null;
  const imap = async (): Promise<ImapFlow> => {
    if (client?.usable) return client;
    client = new ImapFlow({
      host: "127.0.0.1",
      port,
      secure: false,
      auth: { user, pass: password },
      logger: false,
      // Loopback without TLS on purpose: the test server has ssl = no.
      doSTARTTLS: false,
    });
    await client.connect();
    return client;
  };

  let stopped = false;
  return {
    host: "127.0.0.1",
    port,
    user,
    password,
    version: availability.version,
    async append(mailbox, rawRfc822, flags = [], internalDate) {
      const c = await imap();
      if (mailbox.toUpperCase() !== "INBOX") {
        const existing = await c.list();
        if (!existing.some((m) => m.path === mailbox)) await c.mailboxCreate(mailbox);
      }
      const result = await c.append(mailbox, rawRfc822, flags, internalDate);
      if (result === false) throw new Error(`APPEND to ${mailbox} failed`);
      return { uid: result.uid ?? null, uidValidity: result.uidValidity ?? null };
    },
    log: () => fs.readFile(join(dir, "dovecot.log"), "utf8").catch(() => ""),
    async stop() {
      if (stopped) return;
      stopped = true;
      const c = client as ImapFlow | null;
      if (c) await c.logout().catch(() => c.close());
      if (proc.exitCode === null && proc.signalCode === null) {
        const exited = new Promise<void>((resolve) => proc.once("exit", () => resolve()));
        proc.kill("SIGTERM");
        const timer = setTimeout(() => proc.kill("SIGKILL"), 5_000);
        await exited;
        clearTimeout(timer);
      }
      await fs.rm(dir, { recursive: true, force: true });
    },
  };
}
