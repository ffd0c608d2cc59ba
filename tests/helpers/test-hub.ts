import { mkdirSync, createWriteStream } from "node:fs";
import { join } from "node:path";
import { Writable } from "node:stream";
import {} from "vitest";
import { testDatabaseUrl } from "./test-db.js";
import pino from "pino";
import { parseConfig, type Config } from "../../src/config/config.js";
import type { Clock } from "../../src/context.js";
import { startHub, type Hub, type ServeRole } from "../../src/hub.js";
import { createLogger } from "../../src/logger.js";
import type { AppOptions } from "../../src/http/app.js";
import { addUser } from "../../src/services/auth.service.js";
import type { Role } from "../../src/domain/roles.js";

export const TEST_KEYS = {
  ADUAN_ENCRYPTION_KEY: Buffer.alloc(32, 7).toString("base64"),
  ADUAN_HASH_KEY: Buffer.alloc(32, 9).toString("base64"),
  ADUAN_AUDIT_KEY: Buffer.alloc(32, 11).toString("base64"),
};

// Every log line of the test suite goes to test-output/logs/, so a test can scan the
// whole suite's output for personal data; `lines` keeps this hub's own lines in memory.
export function captureLogger(name: string) {
  const lines: string[] = [];
  mkdirSync("test-output/logs", { recursive: true });
  const file = createWriteStream(join("test-output/logs", `${name}.log`), { flags: "a" });
  const sink = new Writable({
    write(chunk: Buffer, _enc, cb) {
      const s = chunk.toString("utf8");
      lines.push(s);
      file.write(s);
      cb();
    },
  });
  const logger = createLogger("debug", sink as unknown as pino.DestinationStream);
  return { logger, lines, text: () => lines.join("") };
}

export type TestHub = Hub & { logs: ReturnType<typeof captureLogger> };

export async function startTestHub(
  opts: {
    env?: Record<string, string>;
    clock?: Clock;
    app?: AppOptions;
    name?: string;
    embedded?: boolean;
    /** `serve --role` of the hub (default all, without jobs). */
    role?: ServeRole;
  } = {},
): Promise<TestHub> {
  const env: Record<string, string> = {
    NODE_ENV: "test",
    PORT: "0",
    HOST: "127.0.0.1",
    LOG_LEVEL: "debug",
    ...TEST_KEYS,
    // Tests date their intakes with literal dates; the desk's backdating bound (issue 15,
    // 365 days by default) is tested where it is set explicitly.
    ADUAN_INTAKE_MAX_AGE_DAYS: "3660",
    ...(opts.embedded ? {} : { DATABASE_URL: testDatabaseUrl() }),
    ...opts.env,
  };
  const config: Config = parseConfig(env);
  const logs = captureLogger(opts.name ?? "hub");
  const hub = await startHub(config, {
    logger: logs.logger,
    ...(opts.clock ? { clock: opts.clock } : {}),
    ...(opts.role ? { role: opts.role } : {}),
    app: { validateResponses: true, ...opts.app },
  });
  return Object.assign(hub, { logs });
}

const TABLES = [
  "CaseSeen",
  "AuditLog",
  "CaseEvent",
  "Finding",
  "Attachment",
  "Party",
  "Outbox",
  "Case",
  "CaseCounter",
  "RawMessage",
  "SyncRun",
  "SyncState",
  "DeadLetter",
  "Session",
  "User",
  "IdempotencyRecord",
  "LoginAttempt",
];

export async function resetDb(hub: Hub): Promise<void> {
  const existing = await hub.ctx.db.sql.query<{ tablename: string }>(
    `SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename <> '_prisma_migrations'`,
  );
  const names = existing
    .map((r) => r.tablename)
    .filter((t) => TABLES.includes(t) || !t.startsWith("_"));
  if (names.length)
    await hub.ctx.db.sql.exec(
      `TRUNCATE ${names.map((n) => `"${n}"`).join(", ")} RESTART IDENTITY CASCADE`,
    );
}

export const PASSWORD = "kata-sandi-uji-123";

/** `instansi`: the user's office (default office when omitted). */
export async function userWithToken(
  hub: Hub,
  username: string,
  role: Role,
  bidang?: string,
  instansi?: string,
): Promise<{ token: string; id: string }> {
  const u = await addUser(hub.ctx, { username, password: PASSWORD, role, bidang, instansi });
  const res = await fetch(`${hub.url}/api/v1/auth/login`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ username, password: PASSWORD }),
  });
  if (res.status !== 200) throw new Error(`login failed: ${res.status} ${await res.text()}`);
  const body = (await res.json()) as { token: string };
  return { token: body.token, id: u.id };
}

export type ApiResponse<T = unknown> = { status: number; body: T; headers: Headers };

export function apiClient(hub: Hub, token?: string) {
  const call = async <T = Record<string, unknown>>(
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<ApiResponse<T>> => {
    const res = await fetch(`${hub.url}${path}`, {
      method,
      headers: {
        ...(body !== undefined ? { "content-type": "application/json" } : {}),
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...headers,
      },
      ...(body !== undefined
        ? { body: typeof body === "string" ? body : JSON.stringify(body) }
        : {}),
    });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {
      /* not JSON: keep text */
    }
    return { status: res.status, body: parsed as T, headers: res.headers };
  };
  return {
    get: <T = Record<string, unknown>>(p: string, h?: Record<string, string>) =>
      call<T>("GET", p, undefined, h),
    post: <T = Record<string, unknown>>(p: string, b?: unknown, h?: Record<string, string>) =>
      call<T>("POST", p, b, h),
    patch: <T = Record<string, unknown>>(p: string, b?: unknown, h?: Record<string, string>) =>
      call<T>("PATCH", p, b, h),
    put: <T = Record<string, unknown>>(p: string, b?: unknown, h?: Record<string, string>) =>
      call<T>("PUT", p, b, h),
    del: <T = Record<string, unknown>>(p: string, h?: Record<string, string>) =>
      call<T>("DELETE", p, undefined, h),
  };
}
