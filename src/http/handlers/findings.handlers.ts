import express, {
  type NextFunction,
  type Request,
  type RequestHandler,
  type Response,
  type Router,
} from "express";
import type { HubContext } from "../../context.js";
import type { operations } from "../../generated/api.js";
import {
  attachmentTooLarge,
  editFindingNarasi,
  listFindings,
  previewFinding,
  readAttachment,
  recordFinding,
  storeAttachment,
  type FindingInput,
} from "../../services/findings.service.js";
import { attachmentDisposition } from "../../domain/uploads/file-type.js";
import { route } from "../gate.js";
import { requestMeta as meta } from "../request-meta.js";

type EditBody = operations["editFindingNarasi"]["requestBody"]["content"]["application/json"];

// The global parser only reads JSON, so the evidence route reads its own bytes, of any
// type: the service answers 415 for the wrong ones with a clear code instead of the
// generic parser error, and the size limit becomes 413 ATTACHMENT_TOO_LARGE.
function rawEvidence(ctx: HubContext) {
  const max = ctx.config.ADUAN_ATTACHMENT_MAX_BYTES;
  const parse = express.raw({ type: () => true, limit: max }) as RequestHandler;
  return (req: Request, res: Response, next: NextFunction): void => {
    const declared = Number(req.get("content-length") ?? "0");
    if (declared > max) return next(attachmentTooLarge(max));
    parse(req, res, (err?: unknown) => {
      const type = (err as { type?: string } | undefined)?.type;
      next(type === "entity.too.large" ? attachmentTooLarge(max) : err);
    });
  };
}

export function findingsRoutes(r: Router, ctx: HubContext): void {
  route(r, "listFindings", async (req, res) => {
    res.json({ data: await listFindings(ctx, req.user, String(req.params.id), meta(req)) });
  });
  route(r, "previewFinding", async (req, res) => {
    res.json(await previewFinding(ctx, String(req.params.id), req.body as FindingInput));
  });
  route(r, "recordFinding", async (req, res) => {
    res
      .status(201)
      .json(
        await recordFinding(
          ctx,
          req.user,
          String(req.params.id),
          req.body as FindingInput,
          meta(req),
        ),
      );
  });
  route(r, "editFindingNarasi", async (req, res) => {
    const body = req.body as EditBody;
    res.json(
      await editFindingNarasi(
        ctx,
        req.user,
        String(req.params.id),
        String(req.params.findingId),
        body.narasiEdited,
        meta(req),
      ),
    );
  });
  route(
    r,
    "uploadAttachment",
    async (req, res) => {
      const bytes = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
      res
        .status(201)
        .json(
          await storeAttachment(
            ctx,
            req.user,
            String(req.params.id),
            { bytes, fileName: req.get("x-file-name") },
            meta(req),
          ),
        );
    },
    { before: [rawEvidence(ctx)] },
  );
  route(r, "getAttachment", async (req, res) => {
    const file = await readAttachment(
      ctx,
      req.user,
      String(req.params.id),
      String(req.params.attachmentId),
      meta(req),
    );
    // Always a download, never rendered: the type is one the hub detected itself,
    // nosniff and a sandboxing CSP keep a browser from reading it as anything else.
    res.setHeader("Content-Type", file.mime);
    res.setHeader("Content-Length", String(file.bytes.length));
    res.setHeader("Cache-Control", "private, no-store");
    res.setHeader("X-Content-Type-Options", "nosniff");
    res.setHeader("Content-Security-Policy", "default-src 'none'; sandbox");
    res.setHeader("Content-Disposition", attachmentDisposition(file.fileName, "lampiran"));
    res.end(file.bytes);
  });
}
