// The Outbox: every push to an outside system (LAPOR! tindak lanjut, WhatsApp, e-mail, Meta,
// recap intake) is a row written in the same transaction as the change that causes it, then
// sent by a worker. Strictly ordered per case; the idempotency key is stable per entry.
import type { Prisma } from "../generated/prisma/client.js";
import type { OutboxRow, OutboxWriter } from "../ports/publisher.port.js";

// The entry and outcome types are the publisher port's (adapters send entries).
export type {
  OutboxOutcome,
  OutboxRow,
  OutboxSend as OutboxHandler,
  OutboxWriter,
} from "../ports/publisher.port.js";

export type OutboxEnqueue = {
  caseId: string | null;
  kind: string;
  target: string;
  payload: Prisma.InputJsonValue;
  idempotencyKey: string;
  /** The office of an entry without a case (a recap push: its target's office). An entry
   * with a case is its case's office's. */
  instansi?: string | undefined;
};

export async function enqueueOutbox(tx: OutboxWriter, e: OutboxEnqueue): Promise<OutboxRow> {
  return tx.outbox.create({
    data: {
      caseId: e.caseId,
      kind: e.kind,
      target: e.target,
      payload: e.payload,
      idempotencyKey: e.idempotencyKey,
      ...(e.instansi ? { instansi: e.instansi } : {}),
    },
  });
}
