// What adapters need from the hub, as types and one interface. Adapters import this port,
// src/ports and src/domain only; the composition root (src/registry.ts, through
// src/hub.ts) builds the services object and hands it to every adapter factory, so no
// adapter reaches into src/services, src/outbox or src/sync by itself.
import type {
  FLAG_UNKNOWN_TYPE,
  ingestInbound,
  prepareOutbound,
  recordAttachmentProblem,
  recordOutboundFailed,
  recordOutboundSent,
  storeAttachmentFile,
  storeRawMessage,
} from "../services/inbound.service.js";
import type { outboundRefusal } from "../pdp/restriction.js";
import type { recordDeadLetter } from "../sync/dead-letters.js";
import type { applyImportChunk } from "../sync/sync-engine.js";
import type { storeEncryptedFile } from "../services/file-store.js";

export type { HubContext, Clock } from "../context.js";
export type { Config } from "../config/config.js";
export type { Prisma } from "../generated/prisma/client.js";
export type { Tx, InboundInput, IngestResult } from "../services/inbound.service.js";

/** The hub's services an adapter may call; each takes the HubContext of the call. */
export interface HubServices {
  /** One inbound message (a webhook's, a mail's) onto a case: dedupe, open or join, ack. */
  readonly ingestInbound: typeof ingestInbound;
  readonly storeRawMessage: typeof storeRawMessage;
  /** Stores an attachment's bytes (type sniffed, encrypted) on a case. */
  readonly storeAttachmentFile: typeof storeAttachmentFile;
  /** A note on the case that an attachment was refused or could not be fetched. */
  readonly recordAttachmentProblem: typeof recordAttachmentProblem;
  /** Flag of a message whose type the channel could not show. */
  readonly flagUnknownType: typeof FLAG_UNKNOWN_TYPE;
  /** Loads what an outbound ack/reply needs; `stop` is the outcome when it must not be sent. */
  readonly prepareOutbound: typeof prepareOutbound;
  readonly recordOutboundSent: typeof recordOutboundSent;
  readonly recordOutboundFailed: typeof recordOutboundFailed;
  /** UU PDP: the refusal text when `text` must not leave the hub for this case, else null. */
  readonly outboundRefusal: typeof outboundRefusal;
  readonly recordDeadLetter: typeof recordDeadLetter;
  /** Encrypts bytes with the hub's key and writes them under the data directory. */
  readonly storeEncryptedFile: typeof storeEncryptedFile;
  /** One chunk of an import through the sync engine and the intake pipeline, in one transaction. */
  readonly applyImportChunk: typeof applyImportChunk;
}
