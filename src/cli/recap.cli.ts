// aduan-hub recap push|receipts: queue the counts-only recap (rekap.yaml) for the
// configured targets and send them right away (the recap entries only; the outbox worker
// sends the rest).
import { parseArgs } from "node:util";
import type { Config } from "../config/config.js";
import { enqueueRecapPush, listReceipts, parsePeriode } from "../services/recap.service.js";
import { REKAP_OUTBOX_KIND } from "../domain/rekap.js";
import { flushOutbox } from "../outbox/outbox.worker.js";
import { withCliContext } from "./cli-context.js";
import { UsageError } from "./main.js";

export const RECAP_USAGE = `  recap push --periode YYYY-MM|YYYY [--target NAME]
                                queue (and send) the recap to the REKAP_TARGETS intakes
  recap receipts [--periode P]  receipts returned by the intakes
`;

export async function run(config: Config, args: string[]): Promise<void> {
  const [sub, ...rest] = args;
  const { values } = parseArgs({
    args: rest,
    options: { periode: { type: "string" }, target: { type: "string" } },
  });
  if (sub === "receipts") {
    await withCliContext(config, async (ctx) => {
      for (const r of await listReceipts(ctx, { periode: values.periode })) {
        console.log(
          `${r.createdAt}  ${r.target}  ${r.periode} rev ${r.revision}  ${r.status}  ${r.receiptId ?? "-"}`,
        );
      }
    });
    return;
  }
  if (sub !== "push") throw new UsageError(`recap: expected push or receipts\n\n${RECAP_USAGE}`);
  if (!values.periode) throw new UsageError(`recap push: --periode is required\n\n${RECAP_USAGE}`);
  parsePeriode(values.periode, "--periode");
  await withCliContext(config, async (ctx) => {
    const plans = await enqueueRecapPush(ctx, {
      periode: values.periode!,
      target: values.target,
      actor: null,
    });
    for (const p of plans) {
      console.log(
        `${p.target}: ${p.periode} revisi ${p.revision} (${p.action}), Idempotency-Key ${p.idempotencyKey}`,
      );
    }
    // Only recap entries: the command sends what it queued; channel replies stay with the
    // worker's schedule.
    await flushOutbox(ctx, { limit: 50, kinds: [REKAP_OUTBOX_KIND] });
    const receipts = await listReceipts(ctx, { periode: values.periode });
    for (const p of plans) {
      const r = receipts.find((x) => x.target === p.target && x.revision === p.revision);
      console.log(
        `${p.target}: ${r ? `${r.status}, tanda terima ${r.receiptId ?? "-"}` : "belum terkirim (lihat outbox)"}`,
      );
    }
  });
}
