// Public web form (no login) and party-link review. Webhooks are in ../raw-routes.ts.
//
// Public form defences, in order: request schema (OpenAPI validator) → honeypot field
// `website` must be empty (a filled one answers 400 SPAM_SUSPECTED: a person never sees the
// hidden field, a bot gets a clear refusal, and no real complaint is ever dropped while
// pretending success) → phone valid → per-IP and per-phone token buckets (in-process:
// counts reset on restart and are per process, which is enough for the single hub process
// the office runs; a proxy in front may add its own) → attachment size and type.
import type { Request, Response, Router } from "express";
import type { HubContext } from "../../context.js";
import type { components } from "../../generated/api.js";
import { detectFileType } from "../../domain/uploads/file-type.js";
import { DomainError, notFound } from "../../domain/errors.js";
import { normalizePhone } from "../../domain/phone.js";
import {
  ingestInbound,
  recordAttachmentProblem,
  storeAttachmentFile,
  storeRawMessage,
} from "../../services/inbound.service.js";
import { decidePartyLink, listPartyLinks } from "../../services/party-links.service.js";
import type { PublicCase } from "../../repos/cases.repo.js";
import { asSystem } from "../../db/scope.js";
import { newLookupToken } from "../../security/lookup-token.js";
import type { ReceiptData } from "../../reports/receipt/receipt.js";
import { renderReceiptPdf } from "../../reports/receipt/receipt.pdf.js";
import { renderReceiptHtml } from "../../reports/receipt/receipt.html.js";
import {
  caseTokenMatches,
  findByToken,
  publicBaseUrl,
  publicStatus,
  receiptCase,
  receiptData,
  reissueLookupToken,
} from "../../services/public-status.service.js";
import {
  checkAttachment,
  DEFAULT_ALLOWED_ATTACHMENT_MIMES,
} from "../../domain/uploads/attachment-policy.js";
import { route, publicRoute } from "../gate.js";

/** JSON limit of the public form: the base64 attachment (4/3) plus the text fields. */
export function publicFormBodyLimit(ctx: HubContext): number {
  return Math.ceil((ctx.config.PUBLIC_FORM_ATTACHMENT_MAX_BYTES * 4) / 3) + 64 * 1024;
}

export class TokenBuckets {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();
  constructor(
    private readonly capacity: number,
    private readonly perMs: number,
  ) {}

  /** Takes one token; returns ms until one is available when empty. */
  take(key: string, now: number): { ok: true } | { ok: false; retryAfterMs: number } {
    const b = this.buckets.get(key) ?? { tokens: this.capacity, at: now };
    const tokens = Math.min(this.capacity, b.tokens + Math.max(0, now - b.at) * this.perMs);
    if (tokens < 1) {
      this.buckets.set(key, { tokens, at: now });
      return { ok: false, retryAfterMs: Math.ceil((1 - tokens) / this.perMs) };
    }
    this.buckets.set(key, { tokens: tokens - 1, at: now });
    if (this.buckets.size > 50_000) this.prune(now);
    return { ok: true };
  }

  private prune(now: number): void {
    for (const [k, b] of this.buckets) {
      if (b.tokens + (now - b.at) * this.perMs >= this.capacity) this.buckets.delete(k);
    }
  }
}

const HOUR = 3_600_000;

type PublicComplaintBody = components["schemas"]["PublicComplaintInput"];

const lookupHeader = (req: Request): string => (req.get("x-lookup-token") ?? "").trim();

/** Where the citizens' page is, for links printed on a receipt. */
export function origin(ctx: HubContext, req: Request): string {
  return publicBaseUrl(ctx, `${req.protocol}://${req.get("host") ?? "localhost"}`);
}

const lookupLimiters = new WeakMap<HubContext, TokenBuckets>();

/**
 * One status look-up (API, status page, receipt) by number and token, rate-limited per
 * address: every look-up counts, right or wrong, so the limit says nothing about either.
 */
export async function publicLookup(
  ctx: HubContext,
  req: Request,
  number: string,
  token: string,
): Promise<PublicCase | null> {
  let buckets = lookupLimiters.get(ctx);
  if (!buckets) {
    const n = ctx.config.PUBLIC_LOOKUP_PER_IP_PER_HOUR;
    buckets = new TokenBuckets(n, n / HOUR);
    lookupLimiters.set(ctx, buckets);
  }
  const ok = buckets.take(req.ip ?? "unknown", ctx.clock().getTime());
  if (!ok.ok) {
    throw new DomainError("RATE_LIMITED", "Terlalu banyak pencarian; coba lagi nanti", {
      retryAfterSeconds: Math.ceil(ok.retryAfterMs / 1000),
    });
  }
  return findByToken(ctx, number, token);
}

async function sendReceipt(res: Response, data: ReceiptData, format: "pdf" | "html") {
  res.setHeader("Cache-Control", "no-store");
  if (format === "html") {
    res.setHeader("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'");
    res.type("text/html; charset=utf-8").send(renderReceiptHtml(data));
    return;
  }
  const pdf = await renderReceiptPdf(data);
  res.setHeader("Content-Disposition", `inline; filename="tanda-terima-${data.number}.pdf"`);
  res.type("application/pdf").send(pdf);
}

export function channelsRoutes(r: Router, ctx: HubContext): void {
  const perIp = new TokenBuckets(
    ctx.config.PUBLIC_FORM_PER_IP_PER_HOUR,
    ctx.config.PUBLIC_FORM_PER_IP_PER_HOUR / HOUR,
  );
  const perPhone = new TokenBuckets(
    ctx.config.PUBLIC_FORM_PER_PHONE_PER_HOUR,
    ctx.config.PUBLIC_FORM_PER_PHONE_PER_HOUR / HOUR,
  );
  const limited = (retryAfterMs: number) =>
    new DomainError("RATE_LIMITED", "Terlalu banyak pengaduan dikirim; coba lagi nanti", {
      retryAfterSeconds: retryAfterMs / 1000,
    });

  publicRoute(r, "submitPublicComplaint", async (req, res) => {
    const body = req.body as PublicComplaintBody;
    if (body.website !== undefined && body.website.trim() !== "") {
      ctx.logger.warn({ requestId: req.id }, "public form honeypot filled");
      throw new DomainError("SPAM_SUSPECTED", "Pengaduan tidak dapat diterima", {
        fields: [{ field: "body.website", message: "harus kosong" }],
      });
    }
    const phone = normalizePhone(body.phone);
    if (!phone.ok) {
      throw new DomainError("PHONE_INVALID", "body.phone: nomor telepon tidak valid", {
        fields: [{ field: "body.phone", message: phone.error.message, code: "PHONE_INVALID" }],
      });
    }
    const text = body.text.trim();
    if (text.length < 10) {
      throw new DomainError("VALIDATION_FAILED", "body.text: minimal 10 karakter", {
        fields: [{ field: "body.text", message: "minimal 10 karakter" }],
      });
    }
    let file: { bytes: Buffer; fileName: string; mime: string } | null = null;
    if (body.attachment) {
      const b64 = body.attachment.contentBase64.replace(/\s+/g, "");
      if (!/^[A-Za-z0-9+/]*={0,2}$/.test(b64)) {
        throw new DomainError("VALIDATION_FAILED", "body.attachment: base64 tidak valid", {
          fields: [{ field: "body.attachment.contentBase64", message: "base64 tidak valid" }],
        });
      }
      const bytes = Buffer.from(b64, "base64");
      const check = checkAttachment(
        { mime: body.attachment.mime, size: bytes.length },
        {
          maxBytes: ctx.config.PUBLIC_FORM_ATTACHMENT_MAX_BYTES,
          allowedMimes: DEFAULT_ALLOWED_ATTACHMENT_MIMES,
        },
      );
      if (!check.ok) {
        throw new DomainError(check.error.code, check.error.message, {
          fields: [{ field: "body.attachment", message: check.error.message }],
        });
      }
      // Typed by its content before anything is stored: a refused file refuses the form,
      // so the citizen can send it again as a photo or PDF.
      const detected = detectFileType(bytes);
      if (!detected.ok) {
        throw new DomainError(detected.error.code, detected.error.message, {
          fields: [
            {
              field: "body.attachment",
              message: detected.error.message,
              code: detected.error.code,
            },
          ],
        });
      }
      file = { bytes, fileName: body.attachment.fileName, mime: detected.value.mime };
    }
    const now = ctx.clock().getTime();
    const ipOk = perIp.take(req.ip ?? "unknown", now);
    if (!ipOk.ok) throw limited(ipOk.retryAfterMs);
    const phoneOk = perPhone.take(phone.value, now);
    if (!phoneOk.ok) throw limited(phoneOk.retryAfterMs);

    const { token: lookupToken, hash: lookupHash } = newLookupToken();
    // The attachment bytes are stored encrypted as an Attachment, not in the raw record.
    const rawBody = Buffer.from(
      JSON.stringify({
        ...body,
        attachment: body.attachment
          ? {
              ...body.attachment,
              mime: file?.mime ?? null,
              contentBase64: `(${file?.bytes.length ?? 0} byte)`,
            }
          : undefined,
      }),
      "utf8",
    );
    const rawId = await storeRawMessage(ctx, {
      channel: "website",
      body: rawBody,
      contentType: "application/json",
      headers: { "user-agent": req.get("user-agent") ?? "" },
    });
    const result = await ingestInbound(ctx, {
      channel: "website",
      externalId: rawId,
      rawMessageId: rawId,
      receivedAt: ctx.clock(),
      from: { name: body.name.trim(), phoneE164: phone.value },
      text,
      desa: body.desa.trim(),
      kecamatan: body.kecamatan.trim(),
      lockKey: `inbound:website:${phone.value}`,
      // The answer below carries the case number: the SOP's tanda terima, on screen.
      acknowledgedOnScreen: true,
      publicTokenHash: lookupHash,
      rahasia: body.rahasia === true,
      inTx: async (tx, r) => {
        await tx.rawMessage.update({
          where: { id: rawId },
          data: { status: "processed", processedAt: ctx.clock(), caseId: r.caseId },
        });
      },
    });
    if (result.status === "duplicate") throw new Error("website intake cannot be a duplicate");
    if (file) {
      const rec = {
        caseId: result.caseId,
        rawMessageId: rawId,
        source: "website",
        fileName: file.fileName,
        mime: file.mime,
      };
      try {
        await storeAttachmentFile(ctx, rec, file.bytes);
      } catch (e) {
        await recordAttachmentProblem(
          ctx,
          rec,
          "failed",
          `Lampiran dari formulir gagal disimpan (${e instanceof Error ? e.name : "error"})`,
        );
      }
    }
    res.status(201).json({ number: result.caseNumber, lookupToken });
  });

  publicRoute(r, "getPublicComplaintStatus", async (req, res) => {
    const found = await publicLookup(ctx, req, String(req.params.number), lookupHeader(req));
    const st = await publicStatus(ctx, found);
    // Same answer for "no such case" and "wrong token": numbers are guessable.
    if (!st) throw notFound("Pengaduan");
    res.json({
      number: st.number,
      status: st.status,
      statusLabel: st.statusLabel,
      receivedAt: st.receivedAt.toISOString(),
      closedAt: st.closedAt?.toISOString() ?? null,
      steps: st.steps.map((x) => ({ at: x.at.toISOString(), text: x.text })),
      replies: st.replies.map((x) => ({ at: x.at.toISOString(), text: x.text })),
    });
  });

  publicRoute(r, "getPublicComplaintReceipt", async (req, res) => {
    const token = lookupHeader(req);
    const found = await publicLookup(ctx, req, String(req.params.number), token);
    const st = await publicStatus(ctx, found);
    if (!found || !st) throw notFound("Pengaduan");
    const c = await asSystem("public-status", () => receiptCase(ctx, found.id));
    const data = await receiptData(ctx, c, { lookupToken: token, baseUrl: origin(ctx, req) });
    await sendReceipt(res, data, req.query.format === "html" ? "html" : "pdf");
  });

  route(r, "getCaseReceipt", async (req, res) => {
    const id = String(req.params.id);
    const token = lookupHeader(req);
    const c = await receiptCase(ctx, id);
    const printToken = token !== "" && (await caseTokenMatches(ctx, id, token)) ? token : null;
    const data = await receiptData(ctx, c, { lookupToken: printToken, baseUrl: origin(ctx, req) });
    await sendReceipt(res, data, req.query.format === "html" ? "html" : "pdf");
  });

  route(r, "reissueLookupToken", async (req, res) => {
    res.json(
      await reissueLookupToken(ctx, req.user, String(req.params.id), {
        ...(req.ip ? { ip: req.ip } : {}),
        requestId: String(req.id),
      }),
    );
  });

  route(r, "listPartyLinks", async (req, res) => {
    const links = await listPartyLinks(ctx, req.user, String(req.params.id), {
      ...(req.ip ? { ip: req.ip } : {}),
      requestId: String(req.id),
    });
    res.json({ items: links });
  });

  for (const action of ["confirm", "reject"] as const) {
    route(r, action === "confirm" ? "confirmPartyLink" : "rejectPartyLink", async (req, res) => {
      const out = await decidePartyLink(
        ctx,
        req.user,
        String(req.params.id),
        action === "confirm" ? "confirmed" : "rejected",
        { ...(req.ip ? { ip: req.ip } : {}), requestId: String(req.id) },
      );
      res.json(out);
    });
  }
}
