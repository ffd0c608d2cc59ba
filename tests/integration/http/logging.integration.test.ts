import { afterAll, beforeAll, expect, it } from "vitest";
import {
  apiClient,
  resetDb,
  startTestHub,
  userWithToken,
  PASSWORD,
  type TestHub,
} from "../../helpers/test-hub.js";

let hub: TestHub;
beforeAll(async () => {
  hub = await startTestHub({ name: "logging" });
  await resetDb(hub);
});
afterAll(async () => {
  await hub.close();
});

it("logs one line per request with a request id and never personal data, tokens or passwords", async () => {
  const { token } = await userWithToken(hub, "fo-log", "front_office");
  const api = apiClient(hub, token);
  const secretName = "Siti Ratul Juwita";
  const nik = "6309046505880003";
  const res = await api.post(
    "/api/v1/cases",
    {
      channel: "telepon",
      pelapor: { name: secretName, phone: "0821 5220 1870", nik },
      keperluan: "BPNT tidak masuk sejak tahun lalu, mohon dicek",
    },
    { "x-request-id": "req-logging-0001" },
  );
  expect(res.status).toBe(201);
  await api.get(`/api/v1/cases?q=${encodeURIComponent(secretName)}`);
  await api.post("/api/v1/cases", {
    channel: "telepon",
    pelapor: { name: secretName, nik: "6309000000000000" },
    keperluan: "x y z",
  });
  hub.ctx.logger.info(
    {
      nik,
      name: secretName,
      phone: "+6282152201870",
      token,
      password: PASSWORD,
      body: "isi pesan",
    },
    "direct",
  );
  await new Promise((r) => setTimeout(r, 50));
  const text = hub.logs.text();
  const requestLines = hub.logs.lines.filter((l) => l.includes('"req-logging-0001"'));
  expect(requestLines).toHaveLength(1);
  expect(requestLines[0]).toContain('"path":"/api/v1/cases"');
  for (const secret of [
    secretName,
    "Siti",
    nik,
    "6309000000000000",
    "82152201870",
    "0821 5220 1870",
    token,
    PASSWORD,
    "isi pesan",
    "BPNT tidak masuk",
  ]) {
    expect(text).not.toContain(secret);
  }
  expect(text).toContain("[redacted]");
});
