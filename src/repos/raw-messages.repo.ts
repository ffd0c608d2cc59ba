// The stored raw inbound messages (webhook bodies kept before they are processed).
import type { Db } from "../db/database.js";

/** Sets a stored message aside for the operator: it will not be processed. */
export async function quarantineRawMessage(
  ctx: { db: Db },
  id: string,
  error: string,
): Promise<void> {
  await ctx.db.prisma.rawMessage.update({ where: { id }, data: { status: "quarantined", error } });
}
