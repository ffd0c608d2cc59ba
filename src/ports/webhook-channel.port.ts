// Push channels (WhatsApp, Facebook/Instagram through Meta): the hub's raw route checks
// the handshake and the signature over the raw bytes, stores the payload, answers 200 and
// has the channel process the stored payload afterwards (and again from the
// webhook.process job after a crash).
import type { Config, HubContext } from "./hub.port.js";
import type { Result } from "../domain/result.js";
import type { ErrorCode } from "../domain/errors.js";

/** A refused signature or body: its code is answered by the error middleware. */
export type WebhookRefusal = { readonly code: ErrorCode };
/** A refused subscription handshake (answered 403 by the raw route, not an API error). */
export type HandshakeRefusal = { readonly code: string };

/** What processing one stored payload did (logged; never carries personal data). */
export type WebhookProcessSummary = {
  messages: number;
  created: number;
  joined: number;
  duplicates: number;
  statuses: number;
  problems: number;
  caseId: string | null;
};

export interface WebhookChannel {
  /** RawMessage.channel, e.g. "whatsapp", "meta". */
  readonly channel: string;
  /** Mounted outside /api/v1, e.g. "/webhooks/whatsapp". */
  readonly path: string;
  /** The request header carrying the signature. */
  readonly signatureHeader: string;
  /** The signing secret; undefined = the channel is not configured (503, nothing read). */
  secret(config: Config): string | undefined;
  /** The subscription handshake token; undefined = not configured. */
  verifyToken(config: Config): string | undefined;
  /** The GET handshake: the challenge to echo, or why it was refused. */
  verifyHandshake(query: Record<string, unknown>, token: string): Result<string, HandshakeRefusal>;
  /** Constant-time check of the signature over the raw body. */
  verifySignature(
    body: Buffer,
    header: string | undefined,
    secret: string,
  ): Result<void, WebhookRefusal>;
  /** The body as JSON; an error keeps the payload quarantined for the operator. */
  parse(body: Buffer): Result<unknown, WebhookRefusal>;
  /** Processes one stored payload (RawMessage id) onto cases. */
  process(ctx: HubContext, rawMessageId: string, json: unknown): Promise<WebhookProcessSummary>;
}
