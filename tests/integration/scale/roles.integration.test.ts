import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import pg from "pg";
import { afterAll, expect, inject, it } from "vitest";
import { testDatabaseUrl } from "../../helpers/test-db.js";
import { TEST_KEYS } from "../../helpers/test-hub.js";
import { openPostgres } from "../../../src/db/database.js";

// `aduan-hub serve --role …` as real processes on one database.
const children: ChildProcess[] = [];
afterAll(() => {
  for (const c of children) if (c.exitCode === null) c.kill("SIGKILL");
});

function serve(role: string, env: Record<string, string>) {
  const child = spawn(
    process.execPath,
    [
      "--import",
      "tsx",
      "-e",
      `import("./src/cli/main.ts").then(m => m.main(["serve", "--role", "${role}"]))`,
    ],
    {
      env: {
        ...process.env,
        ...TEST_KEYS,
        PORT: "0",
        LOG_LEVEL: "info",
        ADUAN_JOBS: "true",
        ...env,
      },
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  children.push(child);
  let out = "";
  child.stdout!.on("data", (d: Buffer) => (out += d.toString()));
  child.stderr!.on("data", (d: Buffer) => (out += d.toString()));
  const url = new Promise<string>((resolve, reject) => {
    const t = setInterval(() => {
      const m = out.match(/"url":"(http:\/\/[^"]+)"/);
      if (m) {
        clearInterval(t);
        resolve(m[1]!);
      }
    }, 50);
    child.once("exit", (code) => {
      clearInterval(t);
      reject(new Error(`exited ${code}: ${out.slice(-4000)}`));
    });
  });
  return { child, url, output: () => out };
}

const METRICS_TOKEN = "token-metrik-pekerja-0123456789";

/** `name{labels}` → value of a Prometheus text scrape. */
function samples(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const m of text.matchAll(/^([a-zA-Z_:][\w:]*(?:\{[^}]*\})?) (\S+)$/gm))
    out.set(m[1]!, Number(m[2]));
  return out;
}

it("splits api and worker roles; the worker serves probes only and drains on SIGTERM", async () => {
  const env = { DATABASE_URL: testDatabaseUrl(), ADUAN_METRICS_TOKEN: METRICS_TOKEN };
  const api = serve("api", env);
  const worker = serve("worker", env);
  const apiUrl = await api.url;
  const workerUrl = await worker.url;
  expect((await fetch(`${apiUrl}/api/v1/health/ready`)).status).toBe(200);
  expect((await fetch(`${apiUrl}/api/v1/cases`)).status).toBe(401);
  expect((await fetch(`${workerUrl}/api/v1/health/live`)).status).toBe(200);
  expect((await fetch(`${workerUrl}/api/v1/health/ready`)).status).toBe(200);
  expect((await fetch(`${workerUrl}/api/v1/cases`)).status).toBe(404);

  // The worker is scraped like the api (issue 17): from loopback, with its own process
  // series and the database's values at scrape time; a relayed caller needs the token.
  const db = new pg.Client({ connectionString: testDatabaseUrl() });
  await db.connect();
  try {
    await db.query(
      `INSERT INTO "DeadLetter" (id, source, payload, "errorClass", error)
       VALUES (gen_random_uuid(), 'uji-pekerja', '{}', 'MappingError', 'x'),
              (gen_random_uuid(), 'uji-pekerja', '{}', 'MappingError', 'x')`,
    );
    await fetch(`${workerUrl}/metrics`);
    const res = await fetch(`${workerUrl}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^text\/plain; version=0\.0\.4/);
    const m = samples(await res.text());
    expect(m.get('aduan_dead_letters_open{source="uji-pekerja"}')).toBe(2);
    expect(m.get("aduan_process_resident_memory_bytes")).toBeGreaterThan(0);
    // The worker's own requests: the first scrape is counted by the second.
    expect(
      m.get(
        'aduan_http_request_duration_seconds_count{operation="metrics",method="GET",status="200"}',
      ),
    ).toBeGreaterThanOrEqual(1);
    const relayed = { "x-forwarded-for": "203.0.113.9" };
    expect((await fetch(`${workerUrl}/metrics`, { headers: relayed })).status).toBe(401);
    const withToken = await fetch(`${workerUrl}/metrics`, {
      headers: { ...relayed, authorization: `Bearer ${METRICS_TOKEN}` },
    });
    expect(withToken.status).toBe(200);
    expect(await withToken.text()).toContain("aduan_outbox_backlog");
  } finally {
    await db.query(`DELETE FROM "DeadLetter" WHERE source = 'uji-pekerja'`);
    await db.end();
  }

  worker.child.kill("SIGTERM");
  const [code] = await once(worker.child, "exit");
  expect(code).toBe(0);
  expect(worker.output()).toContain("draining");
  api.child.kill("SIGTERM");
  expect((await once(api.child, "exit"))[0]).toBe(0);
}, 60_000);

it("a worker refuses to start while migrations are pending", async () => {
  const admin = new pg.Client({ connectionString: inject("adminUrl") });
  await admin.connect();
  const name = `aduan_roles_${process.pid}`;
  await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  await admin.query(`CREATE DATABASE "${name}"`);
  const url = inject("adminUrl").replace(/\/[^/]*$/, `/${name}`);
  try {
    const worker = serve("worker", { DATABASE_URL: url });
    await expect(worker.url).rejects.toThrow(/pending migrations/);
    expect(worker.child.exitCode).not.toBe(0);
    // An api process migrates; then the worker starts.
    const db = await openPostgres(url, 1);
    await db.migrate();
    await db.close();
    const again = serve("worker", { DATABASE_URL: url });
    expect((await fetch(`${await again.url}/api/v1/health/ready`)).status).toBe(200);
    again.child.kill("SIGTERM");
    await once(again.child, "exit");
  } finally {
    await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await admin.end();
  }
}, 60_000);
