import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, expect, it } from "vitest";
import { testDatabaseUrl } from "../../helpers/test-db.js";
import { apiClient, startTestHub, userWithToken, type TestHub } from "../../helpers/test-hub.js";
import { startTcpProxy } from "../../helpers/tcp-proxy.js";
import { parseConfig } from "../../../src/config/config.js";
import { DataDirLockedError, openDatabase } from "../../../src/db/database.js";

const cleanup: (() => Promise<void> | void)[] = [];
afterAll(async () => {
  for (const c of cleanup.reverse()) await c();
});

it("reports 503 while the database is unreachable, keeps serving, and recovers", async () => {
  const target = new URL(testDatabaseUrl());
  const proxy = await startTcpProxy(Number(target.port || 5432), target.hostname);
  cleanup.push(() => proxy.close());
  const viaProxy = new URL(target.href);
  viaProxy.port = String(proxy.port);
  const hub: TestHub = await startTestHub({
    name: "resilience",
    env: { DATABASE_URL: viaProxy.href },
  });
  cleanup.push(() => hub.close());
  const { token } = await userWithToken(hub, `fo-res-${Date.now()}`, "front_office");
  const api = apiClient(hub, token);
  expect((await api.get("/api/v1/health")).status).toBe(200);

  proxy.cut();
  const health = await api.get<{ database: { reachable: boolean }; status: string }>(
    "/api/v1/health",
  );
  expect(health.status).toBe(503);
  expect(health.body.database.reachable).toBe(false);
  const list = await api.get("/api/v1/cases");
  expect(list.status).toBe(503);
  expect(list.body.code).toBe("DATABASE_UNAVAILABLE");

  proxy.restore();
  let recovered = 0;
  for (let i = 0; i < 20 && recovered !== 200; i++) {
    recovered = (await api.get("/api/v1/health")).status;
    if (recovered !== 200) await new Promise((r) => setTimeout(r, 250));
  }
  expect(recovered).toBe(200);
  expect((await api.get("/api/v1/cases")).status).toBe(200);
});

it("runs on the embedded database, keeps data across a restart, and refuses a second opener", async () => {
  const dir = mkdtempSync(join(tmpdir(), "aduan-embedded-"));
  cleanup.push(() => rmSync(dir, { recursive: true, force: true }));
  const env = { ADUAN_DATA_DIR: dir, DATABASE_URL: "" };
  let hub = await startTestHub({ name: "embedded", embedded: true, env });
  expect(hub.ctx.db.kind).toBe("pglite");
  const health = await apiClient(hub).get<{
    database: { kind: string };
    migrations: { current: boolean };
  }>("/api/v1/health");
  expect(health.body.database.kind).toBe("pglite");
  expect(health.body.migrations.current).toBe(true);
  const { token } = await userWithToken(hub, "fo-embedded", "front_office");
  const created = await apiClient(hub, token).post<{ number: string; id: string }>(
    "/api/v1/cases",
    {
      channel: "kotak_saran",
      pelapor: { name: "Bambang", nik: "6309101203850002" },
      keperluan: "Anak berkebutuhan khusus tidak lagi menerima bantuan",
    },
  );
  expect(created.status).toBe(201);

  await expect(openDatabase(parseConfig({ ADUAN_DATA_DIR: dir }))).rejects.toBeInstanceOf(
    DataDirLockedError,
  );

  await hub.close();
  hub = await startTestHub({ name: "embedded", embedded: true, env });
  cleanup.push(() => hub.close());
  const again = await apiClient(hub, token).get<{
    number: string;
    parties: { nikMasked: string }[];
  }>(`/api/v1/cases/${created.body.id}`);
  expect(again.status).toBe(200);
  expect(again.body.number).toBe(created.body.number);
  expect(again.body.parties[0]!.nikMasked).toBe("6309********0002");
});
