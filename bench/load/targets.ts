// Server side of bench/load. `hub` is the real hub; the baselines are bare express apps
// doing the same work by hand over `pg`: `list` runs the equivalent hand-written SELECT,
// `write` one raw INSERT (or UPDATE for a transition), `webhook` verifies the signature
// and INSERTs the raw body.
import type { AddressInfo } from "node:net";
import { randomUUID } from "node:crypto";
import express, { type RequestHandler } from "express";
import pg from "pg";
import pino from "pino";
import { parseConfig } from "../../src/config/config.js";
import { startHub } from "../../src/hub.js";
import { verifyMetaSignature } from "../../adapters/meta/meta.signature.js";
import { reportTarget } from "../lib/spawn-target.js";

const [mode, secret] = process.argv.slice(2);

if (mode === "hub") {
  const config = parseConfig({ ...process.env, PORT: "0" });
  const hub = await startHub(config, {
    logger: pino({ level: "info" }, pino.destination("/dev/null")),
  });
  reportTarget(hub.url, async () => {
    hub.server.closeAllConnections();
    hub.server.close();
  });
} else {
  const pool = new pg.Pool({
    connectionString: process.env.DATABASE_URL,
    max: Number(process.env.DATABASE_POOL_SIZE ?? 10),
  });
  const app = express();
  if (mode === "list") {
    app.get("/cases", async (req, res) => {
      const q = req.query as Record<string, string | undefined>;
      const params: unknown[] = ["6309-DINSOS"];
      const where = ["c.instansi = $1"];
      const p = (v: unknown) => `$${params.push(v)}`;
      if (q.status) where.push(`c.status = ${p(q.status)}`);
      if (q.jenis) where.push(`c.jenis = ${p(q.jenis)}`);
      if (q.q) {
        const like = p(`%${q.q}%`);
        where.push(
          `(c.number ILIKE ${like} OR c.keperluan ILIKE ${like} OR c.title ILIKE ${like}
            OR EXISTS (SELECT 1 FROM "Party" x WHERE x."caseId" = c.id AND x.name ILIKE ${like}))`,
        );
      }
      if (q.cursor) {
        const [r, id] = JSON.parse(Buffer.from(q.cursor, "base64url").toString()) as string[];
        where.push(`(c."receivedAt", c.id) < (${p(r)}, ${p(id)}::uuid)`);
      }
      const { rows } = await pool.query({
        text: `SELECT c.id, c.number, c.channel, c."externalId", c.status, c.jenis, c.bidang,
                 c.title, c.keperluan, c.rahasia, c.anonim, c."receivedAt", c."closedAt", c."dueAt",
                 c."pausedSince", c.flags, c.version,
                 (SELECT name FROM "Party" x WHERE x."caseId" = c.id AND x.role = 'pelapor'
                  ORDER BY x."createdAt" LIMIT 1) AS "pelaporName"
               FROM "Case" c WHERE ${where.join(" AND ")}
               ORDER BY c."receivedAt" DESC, c.id DESC LIMIT 26`,
        values: params,
      });
      res.json({ data: rows.slice(0, 25), nextCursor: rows.length > 25 ? "next" : null });
    });
  } else if (mode === "write") {
    let n = 0;
    app.use(express.json() as RequestHandler);
    app.post("/cases", async (req, res) => {
      n += 1;
      const number = `BASE-${process.pid}-${n}`;
      const body = req.body as { channel: string; keperluan: string };
      const { rows } = await pool.query(
        `INSERT INTO "Case" (id, number, channel, "externalId", keperluan, "receivedAt", "updatedAt")
         VALUES ($1, $2, $3, $2, $4, now(), now()) RETURNING id, number, status, version`,
        [randomUUID(), number, body.channel, body.keperluan],
      );
      res.status(201).json(rows[0]);
    });
    app.post("/cases/:id/transitions", async (req, res) => {
      const body = req.body as { to: string; version: number };
      const { rows } = await pool.query(
        `UPDATE "Case" SET status = $2, version = version + 1, "updatedAt" = now()
         WHERE id = $1 AND version = $3 RETURNING id, status, version`,
        [req.params.id, body.to, body.version],
      );
      if (!rows[0]) res.status(409).json({ code: "VERSION_CONFLICT" });
      else res.json(rows[0]);
    });
  } else if (mode === "webhook") {
    app.post(
      "/webhooks/whatsapp",
      express.raw({ type: () => true, limit: "1mb" }) as RequestHandler,
      async (req, res) => {
        const body = req.body as Buffer;
        const ok = verifyMetaSignature(body, req.get("x-hub-signature-256"), secret!);
        if (!ok.ok) return void res.status(401).json({ received: false });
        await pool.query(
          `INSERT INTO "RawMessage" (id, channel, body, sha256, status, "receivedAt")
           VALUES (gen_random_uuid(), 'whatsapp', $1, '-', 'baseline', now())`,
          [body],
        );
        res.json({ received: true });
      },
    );
  } else {
    throw new Error(`unknown mode ${mode}`);
  }
  const s = app.listen(0, "127.0.0.1", () => {
    reportTarget(`http://127.0.0.1:${(s.address() as AddressInfo).port}`, async () => {
      s.closeAllConnections();
      s.close();
      await pool.end();
    });
  });
}
