// Server side of bench/webhooks: `hub` (the real hub on PostgreSQL: signature, raw store,
// 200, then processing) or `bare` (express that only verifies the signature and answers 200).
import type { AddressInfo } from "node:net";
import express, { type RequestHandler } from "express";
import pino from "pino";
import { parseConfig } from "../../src/config/config.js";
import { startHub } from "../../src/hub.js";
import { verifyMetaSignature } from "../../adapters/meta/meta.signature.js";
import { reportTarget } from "../lib/spawn-target.js";

const [mode, secret] = process.argv.slice(2);
if (mode === "bare") {
  const app = express();
  app.post(
    "/webhooks/whatsapp",
    express.raw({ type: () => true, limit: "1mb" }) as RequestHandler,
    (req, res) => {
      const ok = verifyMetaSignature(req.body as Buffer, req.get("x-hub-signature-256"), secret!);
      res.status(ok.ok ? 200 : 401).json({ received: ok.ok });
    },
  );
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
  // Exit without draining the processing backlog: rows left "stored" are what the
  // webhook.process job picks up after a restart, and waiting would only time the drain.
  reportTarget(hub.url, async () => {
    hub.server.close();
  });
}
