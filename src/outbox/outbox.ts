// The Outbox: every push to an outside system (LAPOR! tindak lanjut, WhatsApp, e-mail, Meta,
// recap intake) is a row written in the same transaction as the change that causes it, then
// sent by a worker. Strictly ordered per case; the idempotency key is stable per entry.
import type { Prisma } from "../generated/prisma/client.js";
import type { HubContext } from "../context.js";

export type OutboxRow = Prisma.OutboxGetPayload<object>;

export type OutboxOutcome =
  | { status: "sent"; response?: Prisma.InputJsonValue }
  | { status: "retry"; error: string; retryAfterMs?: number }
  | { status: "conflict"; error: string }
  | { status: "dead"; error: string };

/** Sends one entry. Must be safe to call twice for the same entry (idempotency key). */
export type OutboxHandler = (ctx: HubContext, entry: OutboxRow) => Promise<OutboxOutcome>;

export type OutboxEnqueue = {
  caseId: string | null;
  kind: string;
  target: string;
  payload: Prisma.InputJsonValue;
  idempotencyKey: string;
};

type OutboxWriter = {
  outbox: { create(args: { data: Prisma.OutboxUncheckedCreateInput }): Promise<OutboxRow> };
};

export async function enqueueOutbox(tx: OutboxWriter, e: OutboxEnqueue): Promise<OutboxRow> {
  return tx.outbox.create({
    data: {
      caseId: e.caseId,
      kind: e.kind,
      target: e.target,
      payload: e.payload,
      idempotencyKey: e.idempotencyKey,
    },
  });
}

const handlers = new Map<string, OutboxHandler>();

export function registerOutboxHandler(kind: string, handler: OutboxHandler): void {
  handlers.set(kind, handler);
}

export function outboxHandler(kind: string): OutboxHandler | undefined {
  return handlers.get(kind);
}
