// aduan-hub recap push|receipts: queue the counts-only recap (rekap.yaml) for the
// configured targets; the outbox worker sends it (or this command, when the worker module
// is present, flushes it right away).
import { parseArgs } from "node:util";
import type { Config } from "../config/config.js";
import type { HubContext } from "../context.js";
import { enqueueRecapPush, listReceipts, parsePeriode } from "../services/recap.service.js";
import { REKAP_OUTBOX_KIND } from "../../adapters/rekap/rekap.outbox.js";
import { withCliContext } from "./cli-context.js";
import { UsageError } from "./main.js";

export const RECAP_USAGE = `  recap push --periode YYYY-MM|YYYY [--target NAME]
                                queue (and send) the recap to the REKAP_TARGETS intakes
  recap receipts [--periode P]  receipts returned by the intakes
`;

type Flush = (
  ctx: HubContext,
  opts: { limit?: number; kinds?: readonly string[] },
) => Promise<unknown>;

// The worker belongs to the outbox capability; a build without it still queues.
async function loadFlush(): Promise<Flush | null> {
  const path = "../outbox/outbox.worker.js";
  try {
    const mod = (await import(path)) as { flushOutbox?: Flush };
    return typeof mod.flushOutbox === "function" ? mod.flushOutbox : null;
  } catch {
    return null;
  }
}

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
    const flush = await loadFlush();
    if (!flush) {
      console.log("antrean outbox: dikirim oleh worker hub (aduan-hub serve)");
      return;
    }
    // Only recap entries: this process registers no WhatsApp/e-mail/Meta sender, and
    // claiming their due entries here would spend an attempt on "tidak ada pengirim".
    await flush(ctx, { limit: 50, kinds: [REKAP_OUTBOX_KIND] });
    const receipts = await listReceipts(ctx, { periode: values.periode });
    for (const p of plans) {
      const r = receipts.find((x) => x.target === p.target && x.revision === p.revision);
      console.log(
        `${p.target}: ${r ? `${r.status}, tanda terima ${r.receiptId ?? "-"}` : "belum terkirim (lihat outbox)"}`,
      );
    }
  });
}
