// Publishers: what sends an outbox entry (LAPOR! tindak lanjut, WhatsApp, Meta, e-mail,
// the recap push). The outbox worker asks the registry for the publisher of an entry's
// kind; a kind without one is reported, never retried into a dead letter.
import type { HubContext, Prisma } from "./hub.port.js";

export type OutboxRow = Prisma.OutboxGetPayload<object>;

/** What became of one send; the worker owns the retry schedule and the dead letters. */
export type OutboxOutcome =
  | { status: "sent"; response?: Prisma.InputJsonValue }
  | { status: "retry"; error: string; retryAfterMs?: number }
  | { status: "conflict"; error: string }
  | { status: "dead"; error: string };

/** Sends one entry. Must be safe to call twice for the same entry (idempotency key). */
export type OutboxSend = (ctx: HubContext, entry: OutboxRow) => Promise<OutboxOutcome>;

export interface Publisher {
  /** The outbox kinds it sends, e.g. "whatsapp.ack", "whatsapp.reply". */
  readonly kinds: readonly string[];
  send(ctx: HubContext, entry: OutboxRow): Promise<OutboxOutcome>;
}

/** A transaction (or client) that can write an outbox row. */
export type OutboxWriter = {
  outbox: { create(args: { data: Prisma.OutboxUncheckedCreateInput }): Promise<OutboxRow> };
};

/**
 * A channel whose cases live upstream (LAPOR!): a staff reply on such a case is pushed
 * back as a follow-up. Called inside the transaction that records the reply.
 */
export interface UpstreamFollowUp {
  /** The outbox kind it enqueues. */
  readonly kind: string;
  enqueue(
    tx: OutboxWriter,
    e: { caseId: string; externalId: string; text: string; hubStatus: string },
  ): Promise<OutboxRow>;
}
