// The composition root's registry: every adapter of the hub, wired explicitly in one place.
// Only this module (and src/hub.ts, which puts the registry on the HubContext) imports
// adapters/; everything else finds an adapter through `ctx.registry` (src/ports/
// registry.port.ts). Adapters get the hub's services as an object built here, so they
// import nothing from src/ but the ports and the domain.
import type { HubServices } from "./ports/hub.port.js";
import type { Publisher, OutboxSend } from "./ports/publisher.port.js";
import type { Registry } from "./ports/registry.port.js";
import {
  FLAG_UNKNOWN_TYPE,
  ingestInbound,
  prepareOutbound,
  recordAttachmentProblem,
  recordOutboundFailed,
  recordOutboundSent,
  storeAttachmentFile,
  storeRawMessage,
} from "./services/inbound.service.js";
import { outboundRefusal } from "./pdp/restriction.js";
import { recordDeadLetter } from "./sync/dead-letters.js";
import { applyImportChunk } from "./sync/sync-engine.js";
import { storeEncryptedFile } from "./services/file-store.js";
import { createEmailPublisher } from "../adapters/email/email.outbox.js";
import { createEmailMailbox } from "../adapters/email/email.sync.js";
import { mailboxChannel } from "./sync/mailbox-sync.js";
import { importLaporExport, LaporExportError } from "../adapters/lapor/lapor-export.import.js";
import { createLaporPublisher, laporFollowUp } from "../adapters/lapor/lapor.outbox.js";
import {
  assertLaporConfig,
  createLaporSource,
  LAPOR_STREAM_POLICY,
  laporConfigured,
} from "../adapters/lapor/lapor.sync.js";
import { createMetaPublisher } from "../adapters/meta/meta.outbox.js";
import { createMetaWebhook } from "../adapters/meta/meta.webhook.js";
import { createRekapPublisher } from "../adapters/rekap/rekap.outbox.js";
import { createManualLookup } from "../adapters/siks-ng/index.js";
import { createWhatsAppPublisher } from "../adapters/whatsapp/whatsapp.outbox.js";
import { createWhatsAppWebhook } from "../adapters/whatsapp/whatsapp.webhook.js";

/** The hub's side of every adapter port. */
export const hubServices: HubServices = Object.freeze({
  ingestInbound,
  storeRawMessage,
  storeAttachmentFile,
  recordAttachmentProblem,
  flagUnknownType: FLAG_UNKNOWN_TYPE,
  prepareOutbound,
  recordOutboundSent,
  recordOutboundFailed,
  outboundRefusal,
  recordDeadLetter,
  storeEncryptedFile,
  applyImportChunk,
});

/** Every outbox kind must have exactly one publisher: a second one is a wiring bug. */
function publisherIndex(publishers: readonly Publisher[]): Map<string, OutboxSend> {
  const byKind = new Map<string, OutboxSend>();
  for (const p of publishers) {
    for (const kind of p.kinds) {
      if (byKind.has(kind)) throw new Error(`outbox kind ${kind} has two publishers`);
      byKind.set(kind, (ctx, entry) => p.send(ctx, entry));
    }
  }
  return byKind;
}

export function createRegistry(deps: HubServices = hubServices): Registry {
  const publishers: Publisher[] = [
    createLaporPublisher(deps),
    createWhatsAppPublisher(deps),
    createMetaPublisher(deps),
    createEmailPublisher(deps),
    createRekapPublisher(),
  ];
  const byKind = publisherIndex(publishers);
  const manual = createManualLookup();
  const channelSources: Registry["channelSources"] = {
    lapor: {
      configured: laporConfigured,
      create: (ctx) => (laporConfigured(ctx.config) ? createLaporSource(ctx) : null),
      assertConfig: assertLaporConfig,
      policy: LAPOR_STREAM_POLICY,
    },
  };
  return Object.freeze({
    services: deps,
    channelSources,
    mailboxes: { email: mailboxChannel(createEmailMailbox(deps)) },
    webhooks: { whatsapp: createWhatsAppWebhook(deps), meta: createMetaWebhook(deps) },
    publishers,
    publisher: (kind: string) => byKind.get(kind),
    followUps: { lapor: laporFollowUp },
    lookups: { [manual.key]: manual },
    imports: {
      "lapor-export": {
        run: importLaporExport,
        refusal: (e: unknown) =>
          e instanceof LaporExportError
            ? { code: e.code, message: e.message, fields: [...e.fields] }
            : null,
      },
    },
    assertConfig(config) {
      for (const entry of Object.values(channelSources)) entry.assertConfig?.(config);
    },
  } satisfies Registry);
}
