// Issue 4 routes: channel health, dead letters (admin), outbox view, manual sync run,
// LAPOR! admin-export upload. Access comes from the spec's x-roles.
import type { Request, Router } from "express";
import type { HubContext } from "../../context.js";
import { h } from "../async-handler.js";
import { AppError, notFound } from "../errors.js";
import { channelHealth } from "../../sync/channel-health.js";
import {
  listDeadLetters,
  replayAllDeadLetters,
  replayDeadLetter,
} from "../../sync/dead-letters.js";
import { listOutbox } from "../../outbox/outbox.worker.js";
import { runSync } from "../../sync/sync-engine.js";
import { channelSources } from "../../../adapters/index.js";
import { audit } from "../../services/audit.service.js";
import {
  importLaporExport,
  LaporExportError,
} from "../../../adapters/lapor/lapor-export.import.js";
import { ImportLimitError } from "../../domain/uploads/import-limits.js";
import { importLimitAppError } from "../import-limit-error.js";

function str(v: unknown): string | undefined {
  return typeof v === "string" && v !== "" ? v : undefined;
}

async function readBody(req: Request, max: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const c of req) {
    const b = c as Buffer;
    size += b.length;
    if (size > max)
      throw new AppError(
        413,
        "PAYLOAD_TOO_LARGE",
        `Berkas melebihi batas ${(max / 1024 / 1024).toFixed(1)} MB`,
      );
    chunks.push(b);
  }
  return Buffer.concat(chunks);
}

export function syncRoutes(r: Router, ctx: HubContext): void {
  r.get(
    "/channels/health",
    h(async (_req, res) => {
      res.json({ data: await channelHealth(ctx) });
    }),
  );

  r.get(
    "/dead-letters",
    h(async (req, res) => {
      const status = str(req.query.status);
      const source = str(req.query.source);
      const data = await listDeadLetters(ctx, {
        ...(status ? { status } : {}),
        ...(source ? { source } : {}),
        limit: 200,
      });
      res.json({ data });
    }),
  );

  r.post(
    "/dead-letters/replay-all",
    h(async (req, res) => {
      const outcomes = await replayAllDeadLetters(ctx);
      await audit(ctx.db.prisma, {
        actor: req.user ?? null,
        action: "deadletter.replay_all",
        ip: req.ip,
        requestId: String(req.id),
        data: {
          total: outcomes.length,
          replayed: outcomes.filter((o) => o.result === "replayed").length,
        },
      });
      res.json({ data: outcomes });
    }),
  );

  r.post(
    "/dead-letters/:id/replay",
    h(async (req, res) => {
      const id = String(req.params.id);
      const o = await replayDeadLetter(ctx, id);
      if (o.result === "not_found") throw notFound("Dead letter");
      await audit(ctx.db.prisma, {
        actor: req.user ?? null,
        action: "deadletter.replay",
        caseId: o.caseId ?? null,
        ip: req.ip,
        requestId: String(req.id),
        data: { deadLetterId: id, result: o.result },
      });
      if (o.result === "not_open")
        throw new AppError(409, "DEAD_LETTER_CLOSED", "Dead letter ini sudah diselesaikan");
      res.json(o);
    }),
  );

  r.get(
    "/outbox",
    h(async (req, res) => {
      const status = str(req.query.status);
      const caseId = str(req.query.caseId);
      res.json({
        data: await listOutbox(ctx, {
          ...(status ? { status } : {}),
          ...(caseId ? { caseId } : {}),
          limit: 200,
        }),
      });
    }),
  );

  r.post(
    "/sync/:stream/run",
    h(async (req, res) => {
      const stream = String(req.params.stream);
      const factory = channelSources[stream];
      if (!factory) throw notFound("Stream");
      const source = factory(ctx);
      if (!source)
        throw new AppError(409, "CHANNEL_NOT_CONFIGURED", `Kanal ${stream} belum dikonfigurasi`);
      const summary = await runSync(ctx, source, { full: req.query.full === "true" });
      await audit(ctx.db.prisma, {
        actor: req.user ?? null,
        action: "sync.run",
        ip: req.ip,
        requestId: String(req.id),
        data: { stream, status: summary.status },
      });
      res.json(summary);
    }),
  );

  r.post(
    "/imports/lapor-export",
    h(async (req, res) => {
      const body = Buffer.isBuffer(req.body)
        ? req.body
        : await readBody(req, ctx.config.ADUAN_IMPORT_MAX_BYTES);
      if (!body.length)
        throw new AppError(400, "VALIDATION_FAILED", "Berkas ekspor kosong", {
          fields: [{ field: "body", message: "kirim berkas CSV atau XLSX sebagai isi permintaan" }],
        });
      const fileName = str(req.get("x-file-name")) ?? "lapor-export";
      try {
        const result = await importLaporExport(ctx, body, {
          fileName,
          actorId: req.user?.id ?? null,
        });
        await audit(ctx.db.prisma, {
          actor: req.user ?? null,
          action: "import.lapor_export",
          ip: req.ip,
          requestId: String(req.id),
          data: { importRunId: result.importRunId, rows: result.rows },
        });
        res.json(result);
      } catch (e) {
        if (e instanceof LaporExportError)
          throw new AppError(422, e.code, e.message, { fields: e.fields });
        if (e instanceof ImportLimitError) throw importLimitAppError(e);
        throw e;
      }
    }),
  );
}
