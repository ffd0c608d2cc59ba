import { randomUUID } from "node:crypto";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import express, { type Request, type RequestHandler, type Response } from "express";
import { z } from "zod";
import { RekapBodySchema, rekapIdempotencyKey, type RekapBody } from "../rekap.dto.js";
import { REKAP_PATH } from "../rekap.client.js";
import { verifyRekapSignature } from "../rekap.signature.js";

/**
 * A fake provincial/national recap intake on loopback implementing
 * ../../../../shared/upstream/rekap.yaml: signature check (401), Idempotency-Key replay
 * (200 with the first receipt), a higher revision replaces the recap, 422 on schema
 * errors, plus fault knobs (429 with Retry-After, 503) for tests and a first run.
 */

export const RekapSandboxFaultsSchema = z
  .object({
    /** The next N requests answer 429 with Retry-After: retryAfterSeconds. */
    rateLimitNext: z.number().int().min(0).optional(),
    /** The next N requests answer 503. */
    fail503Next: z.number().int().min(0).optional(),
    retryAfterSeconds: z.number().int().min(0).optional(),
  })
  .strict();
export type RekapSandboxFaults = z.infer<typeof RekapSandboxFaultsSchema>;

export type ReceivedRecap = {
  idempotencyKey: string;
  receiptId: string;
  rawBody: string;
  body: RekapBody;
  receivedAt: string;
};

export type RekapSandboxOptions = {
  /** Shared key per instansi_kode (a real intake issues one key per office). */
  keys: Record<string, string>;
};

export type RunningRekapSandbox = { url: string; close: () => Promise<void> };

export function createRekapSandbox(opts: RekapSandboxOptions) {
  const faults: { rateLimitNext: number; fail503Next: number; retryAfterSeconds: number } = {
    rateLimitNext: 0,
    fail503Next: 0,
    retryAfterSeconds: 1,
  };
  /** Every request that passed the signature check, in order (for tests to inspect). */
  const requests: { idempotencyKey: string | undefined; rawBody: string; status: number }[] = [];
  const byKey = new Map<string, ReceivedRecap>();
  /** Current recap per instansi_kode + periode (the highest revision). */
  const current = new Map<string, ReceivedRecap>();

  function setFaults(f: RekapSandboxFaults): void {
    const v = RekapSandboxFaultsSchema.parse(f);
    if (v.rateLimitNext !== undefined) faults.rateLimitNext = v.rateLimitNext;
    if (v.fail503Next !== undefined) faults.fail503Next = v.fail503Next;
    if (v.retryAfterSeconds !== undefined) faults.retryAfterSeconds = v.retryAfterSeconds;
  }

  const app = express();
  app.disable("x-powered-by");

  app.post(
    REKAP_PATH,
    express.raw({ type: () => true, limit: "1mb" }) as unknown as RequestHandler,
    (req: Request, res: Response) => {
      const raw: Buffer = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
      if (faults.rateLimitNext > 0) {
        faults.rateLimitNext--;
        res.set("Retry-After", String(faults.retryAfterSeconds));
        res.status(429).json({ message: "terlalu banyak permintaan" });
        return;
      }
      if (faults.fail503Next > 0) {
        faults.fail503Next--;
        res.status(503).json({ message: "layanan sementara tidak tersedia" });
        return;
      }
      let json: unknown;
      try {
        json = JSON.parse(raw.toString("utf8"));
      } catch {
        json = null;
      }
      // The key is chosen by the claimed instansi; an unknown instansi fails like a bad key.
      const kode =
        json &&
        typeof json === "object" &&
        typeof (json as { instansi_kode?: unknown }).instansi_kode === "string"
          ? (json as { instansi_kode: string }).instansi_kode
          : "";
      const key = opts.keys[kode];
      const signature = req.get("x-signature");
      if (!key || !verifyRekapSignature(key, raw, signature)) {
        res.status(401).json({ message: "tanda tangan tidak valid" });
        return;
      }
      const idem = req.get("idempotency-key");
      const record = (status: number) =>
        requests.push({ idempotencyKey: idem, rawBody: raw.toString("utf8"), status });
      const parsed = RekapBodySchema.safeParse(json);
      if (!parsed.success) {
        record(422);
        res.status(422).json({
          message: "validasi gagal",
          errors: parsed.error.issues.map((i) => ({ path: i.path.join("."), message: i.message })),
        });
        return;
      }
      const body = parsed.data;
      if (!idem || idem !== rekapIdempotencyKey(body)) {
        record(422);
        res
          .status(422)
          .json({ message: "Idempotency-Key harus <instansi_kode>:<periode>:<revision>" });
        return;
      }
      const first = byKey.get(idem);
      if (first) {
        record(200);
        res.status(200).json({ receipt_id: first.receiptId, replay: true });
        return;
      }
      const slot = `${body.instansi_kode}:${body.periode}`;
      const cur = current.get(slot);
      if (cur && cur.body.revision >= body.revision) {
        record(422);
        res.status(422).json({
          message: `revisi ${body.revision} tidak lebih tinggi dari ${cur.body.revision}`,
        });
        return;
      }
      const entry: ReceivedRecap = {
        idempotencyKey: idem,
        receiptId: `RKP-${randomUUID()}`,
        rawBody: raw.toString("utf8"),
        body,
        receivedAt: new Date().toISOString(),
      };
      byKey.set(idem, entry);
      current.set(slot, entry);
      record(201);
      res.status(201).json({ receipt_id: entry.receiptId });
    },
  );

  app.post(
    "/__sandbox/faults",
    express.json() as unknown as RequestHandler,
    (req: Request, res: Response) => {
      const parsed = RekapSandboxFaultsSchema.safeParse(req.body);
      if (!parsed.success) {
        res.status(422).json({ message: parsed.error.message });
        return;
      }
      setFaults(parsed.data);
      res.json(faults);
    },
  );
  app.get("/__sandbox/recaps", (_req: Request, res: Response) => {
    res.json({ current: [...current.values()], requests });
  });

  return {
    app,
    faults,
    requests,
    current,
    setFaults,
    async start(port = 0, host = "127.0.0.1"): Promise<RunningRekapSandbox> {
      const server: Server = await new Promise((resolve, reject) => {
        const s = app.listen(port, host, (err?: Error) => (err ? reject(err) : resolve(s)));
      });
      const addr = server.address() as AddressInfo;
      return {
        url: `http://${host}:${addr.port}`,
        close: () =>
          new Promise<void>((resolve) => {
            server.closeAllConnections();
            server.close(() => resolve());
          }),
      };
    },
  };
}

export type RekapSandbox = ReturnType<typeof createRekapSandbox>;
