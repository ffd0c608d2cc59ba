// Server side of bench/api: `hub` (the real hub on PostgreSQL) or `bare` (express serving
// a fixed JSON page from memory).
import { readFileSync } from "node:fs";
import type { AddressInfo } from "node:net";
import express from "express";
import pino from "pino";
import { parseConfig } from "../../src/config/config.js";
import { startHub } from "../../src/hub.js";
import { reportTarget } from "../lib/spawn-target.js";

const [mode, arg] = process.argv.slice(2);
if (mode === "bare") {
  const page = JSON.parse(readFileSync(arg!, "utf8")) as unknown;
  const app = express();
  app.get("/cases", (_req, res) => {
    res.json(page);
  });
  const s = app.listen(0, "127.0.0.1", () => {
    reportTarget(
      `http://127.0.0.1:${(s.address() as AddressInfo).port}`,
      async () => void s.close(),
    );
  });
} else {
  const config = parseConfig({ ...process.env, PORT: "0" });
  const hub = await startHub(config, {
    logger: pino({ level: "info" }, pino.destination("/dev/null")),
  });
  reportTarget(hub.url, () => hub.close());
}
