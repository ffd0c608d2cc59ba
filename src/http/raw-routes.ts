// Routes that must see the raw request bytes (webhook signatures), mounted before the JSON
// body parser and outside /api/v1 validation.
//
// Webhook order (issue 6): channel configured? → X-Hub-Signature-256 over the raw bytes
// (constant time; bad/missing → 401, nothing stored, logged without the body) → JSON parse
// (malformed → 400, kept as a quarantined RawMessage for the operator) → RawMessage stored →
// 200 at once → processed from the stored row (in-process queue; webhook.process job as
// the safety net).
import express, { type Request, type RequestHandler, type Response } from "express";
import type { HubContext } from "../context.js";
import type { Routes } from "./app.js";
import { DomainError } from "../domain/errors.js";
import { h } from "./async-handler.js";
import type { WebhookChannel } from "../ports/webhook-channel.port.js";
import { inboundQueue, storableHeaders, storeRawMessage } from "../services/inbound.service.js";
import { quarantineRawMessage } from "../repos/raw-messages.repo.js";
import { processRawMessage } from "../jobs/webhook-process.job.js";
import { publicFormBodyLimit } from "./handlers/channels.handlers.js";

function notConfigured(channel: string): DomainError {
  return new DomainError(
    "CHANNEL_NOT_CONFIGURED",
    `Kanal ${channel} belum dikonfigurasi di server ini`,
  );
}

// Processing is deferred behind the answers: accepted ids wait in arrival order and at most
// DRAINERS tasks per route work through them (one sender's messages are serialised by
// ingestInbound's advisory lock). The intake comes first: while webhooks keep arriving
// (one in flight, or one within QUIET_MS) a drainer steps aside, so a burst is absorbed
// at the speed of verify + INSERT — Meta retries, and eventually disables, a webhook that
// answers slowly — and processed right behind it. It never steps aside for long: a message
// waits at most MAX_DEFER_MS behind the intake, so a sustained stream still moves. A crash
// loses nothing: the rows are "stored" and the webhook.process job picks them up.
const DRAINERS = 2;
const QUIET_MS = 20;
const MAX_DEFER_MS = 1_000;

type Intake = { inFlight: number; lastArrival: number };

function processingBacklog(ctx: HubContext, intake: Intake): (id: string) => void {
  const backlog: string[] = [];
  let drainers = 0;
  const intakeBusy = () => intake.inFlight > 0 || performance.now() - intake.lastArrival < QUIET_MS;
  const drain = async () => {
    try {
      for (let id = backlog.shift(); id !== undefined; id = backlog.shift()) {
        const since = performance.now();
        while (intakeBusy() && performance.now() - since < MAX_DEFER_MS)
          await new Promise<void>((resolve) => setTimeout(resolve, QUIET_MS));
        await processRawMessage(ctx, id).catch((e: unknown) => {
          ctx.logger.error(
            { rawMessageId: id, err: e instanceof Error ? e.name : "error" },
            "webhook processing failed",
          );
        });
        await new Promise<void>((resolve) => setImmediate(resolve));
      }
    } finally {
      drainers -= 1;
    }
  };
  return (id) => {
    backlog.push(id);
    if (drainers >= DRAINERS) return;
    drainers += 1;
    inboundQueue.push(drain);
  };
}

const ACCEPTED = JSON.stringify({ received: true });

/** The routes of every webhook channel of the registry. */
const webhookRoutes: Routes = (r, ctx) => {
  for (const channel of Object.values(ctx.registry.webhooks)) mountWebhook(r, ctx, channel);
};

function mountWebhook(r: Parameters<Routes>[0], ctx: HubContext, spec: WebhookChannel): void {
  const intake: Intake = { inFlight: 0, lastArrival: 0 };
  const enqueue = processingBacklog(ctx, intake);
  r.get(spec.path, (req: Request, res: Response) => {
    const token = spec.verifyToken(ctx.config);
    if (!token) throw notConfigured(spec.channel);
    const result = spec.verifyHandshake(req.query as Record<string, unknown>, token);
    if (!result.ok) {
      ctx.logger.warn(
        { channel: spec.channel, code: result.error.code },
        "webhook handshake refused",
      );
      res.status(403).type("text/plain").send("Forbidden");
      return;
    }
    res.status(200).type("text/plain").send(result.value);
  });

  const raw = express.raw({
    type: () => true,
    limit: ctx.config.WEBHOOK_BODY_LIMIT,
  }) as RequestHandler;
  r.post(
    spec.path,
    (req, res, next) => {
      // Refuse before reading a byte: no secret means no way to tell forged payloads.
      if (!spec.secret(ctx.config)) return next(notConfigured(spec.channel));
      intake.inFlight += 1;
      intake.lastArrival = performance.now();
      res.once("close", () => {
        intake.inFlight -= 1;
        intake.lastArrival = performance.now();
      });
      next();
    },
    raw,
    h(async (req, res) => {
      const secret = spec.secret(ctx.config)!;
      const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
      const header = req.get(spec.signatureHeader);
      const sig = spec.verifySignature(body, header, secret);
      if (!sig.ok) {
        ctx.logger.warn(
          { channel: spec.channel, code: sig.error.code, bytes: body.length, requestId: req.id },
          "webhook signature refused",
        );
        throw new DomainError(sig.error.code, "Tanda tangan webhook tidak valid");
      }
      const headers = storableHeaders(req.headers);
      const contentType = req.get("content-type") ?? null;
      if (!spec.parse(body).ok) {
        // Signed by Meta yet unreadable: keep it for the operator, tell the sender.
        const id = await storeRawMessage(ctx, {
          channel: spec.channel,
          body,
          contentType,
          headers,
        });
        await quarantineRawMessage(ctx, id, "JSON tidak valid");
        throw new DomainError("INVALID_JSON", "Isi webhook bukan JSON yang valid");
      }
      const id = await storeRawMessage(ctx, {
        channel: spec.channel,
        body,
        contentType,
        headers,
      });
      res.status(200).type("application/json").send(ACCEPTED);
      enqueue(id);
    }),
  );
}

// The public form may carry a base64 attachment larger than ADUAN_BODY_LIMIT: its own
// JSON parser (sized from PUBLIC_FORM_ATTACHMENT_MAX_BYTES) runs first; the API parser
// then sees an already-parsed body and leaves it alone.
const publicFormParser: Routes = (r, ctx) => {
  r.post(
    "/api/v1/public/complaints",
    express.json({ limit: publicFormBodyLimit(ctx), strict: true }) as RequestHandler,
  );
};

export const rawRoutes: Routes[] = [webhookRoutes, publicFormParser];
