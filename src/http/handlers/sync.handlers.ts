// Issue 4 routes: channel health, dead letters (admin), outbox view, manual sync run,
// LAPOR! admin-export upload. Access comes from the spec's x-roles.
import type { Request, Router } from "express";
import type { HubContext } from "../../context.js";
import { DomainError, notFound } from "../../domain/errors.js";
import { channelHealth } from "../../sync/channel-health.js";
import {
  listDeadLetters,
  replayAllDeadLetters,
  replayDeadLetter,
} from "../../sync/dead-letters.js";
import { listOutbox } from "../../outbox/outbox.worker.js";
import { runSync } from "../../sync/sync-engine.js";
import { asSystem } from "../../db/scope.js";
import { recordAudit } from "../../services/audit.service.js";
import { route } from "../gate.js";
import { queryFlag } from "../../domain/query-flag.js";

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
      throw new DomainError(
        "PAYLOAD_TOO_LARGE",
        `Berkas melebihi batas ${(max / 1024 / 1024).toFixed(1)} MB`,
      );
    chunks.push(b);
  }
  return Buffer.concat(chunks);
}

export function syncRoutes(r: Router, ctx: HubContext): void {
  route(r, "getChannelHealth", async (_req, res) => {
    res.json({ data: await channelHealth(ctx) });
  });

  route(r, "listDeadLetters", async (req, res) => {
    const status = str(req.query.status);
    const source = str(req.query.source);
    const data = await listDeadLetters(ctx, {
      instansi: req.user.instansi,
      ...(status ? { status } : {}),
      ...(source ? { source } : {}),
      limit: 200,
    });
    res.json({ data });
  });

  route(r, "replayAllDeadLetters", async (req, res) => {
    const outcomes = await asSystem("deadletter-replay", () =>
      replayAllDeadLetters(ctx, { instansi: req.user.instansi }),
    );
    await recordAudit(ctx, {
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
  });

  route(r, "replayDeadLetter", async (req, res) => {
    const id = String(req.params.id);
    const o = await asSystem("deadletter-replay", () =>
      replayDeadLetter(ctx, id, { instansi: req.user.instansi }),
    );
    if (o.result === "not_found") throw notFound("Dead letter");
    await recordAudit(ctx, {
      actor: req.user ?? null,
      action: "deadletter.replay",
      caseId: o.caseId ?? null,
      ip: req.ip,
      requestId: String(req.id),
      data: { deadLetterId: id, result: o.result },
    });
    if (o.result === "not_open")
      throw new DomainError("DEAD_LETTER_CLOSED", "Dead letter ini sudah diselesaikan");
    res.json(o);
  });

  route(r, "listOutbox", async (req, res) => {
    const status = str(req.query.status);
    const caseId = str(req.query.caseId);
    res.json({
      data: await listOutbox(ctx, {
        instansi: req.user.instansi,
        ...(status ? { status } : {}),
        ...(caseId ? { caseId } : {}),
        limit: 200,
      }),
    });
  });

  route(r, "runStreamSync", async (req, res) => {
    const stream = String(req.params.stream);
    const entry = ctx.registry.channelSources[stream];
    if (!entry) throw notFound("Stream");
    const source = entry.create(ctx);
    if (!source)
      throw new DomainError("CHANNEL_NOT_CONFIGURED", `Kanal ${stream} belum dikonfigurasi`);
    // The stream is the hub's, not an office's: the sync is system work.
    const summary = await asSystem(`sync:${stream}`, () =>
      runSync(ctx, source, { full: queryFlag(req.query.full) }),
    );
    await recordAudit(ctx, {
      actor: req.user ?? null,
      action: "sync.run",
      ip: req.ip,
      requestId: String(req.id),
      data: { stream, status: summary.status },
    });
    res.json(summary);
  });

  route(r, "importLaporExport", async (req, res) => {
    const body = Buffer.isBuffer(req.body)
      ? req.body
      : await readBody(req, ctx.config.ADUAN_IMPORT_MAX_BYTES);
    if (!body.length)
      throw new DomainError("VALIDATION_FAILED", "Berkas ekspor kosong", {
        fields: [{ field: "body", message: "kirim berkas CSV atau XLSX sebagai isi permintaan" }],
      });
    const fileName = str(req.get("x-file-name")) ?? "lapor-export";
    const importer = ctx.registry.imports["lapor-export"];
    if (!importer) throw new Error("lapor-export importer missing from the registry");
    try {
      // The importer's office: only its cases are matched, and status changes are the
      // importer's (actor on the timeline and in the audit trail).
      const result = await importer.run(ctx, body, { fileName, actor: req.user ?? null });
      await recordAudit(ctx, {
        actor: req.user ?? null,
        action: "import.lapor_export",
        ip: req.ip,
        requestId: String(req.id),
        data: { importRunId: result.importRunId, rows: result.rows },
      });
      res.json(result);
    } catch (e) {
      const refused = importer.refusal(e);
      if (refused) throw new DomainError(refused.code, refused.message, { fields: refused.fields });
      throw e;
    }
  });
}
