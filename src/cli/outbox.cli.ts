// aduan-hub outbox flush [--case <id>] [--limit N] | outbox list [--status S] [--case <id>]
import { parseArgs } from "node:util";
import type { Config } from "../config/config.js";
import { withCliContext } from "./cli-context.js";
import { flushOutbox, listOutbox } from "../outbox/outbox.worker.js";

const USAGE = `Usage: aduan-hub outbox flush [--case <caseId>] [--limit N]
       aduan-hub outbox list [--status pending|sent|conflict|dead] [--case <caseId>]`;

export async function run(config: Config, args: string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { case: { type: "string" }, limit: { type: "string" }, status: { type: "string" } },
  });
  const sub = positionals[0];
  if (sub === "flush") {
    const limit = values.limit ? Number(values.limit) : undefined;
    if (limit !== undefined && (!Number.isInteger(limit) || limit < 1)) {
      console.error(`aduan-hub: --limit must be a positive integer\n${USAGE}`);
      process.exitCode = 64;
      return;
    }
    await withCliContext(config, async (ctx) => {
      // Publishers come from ctx.registry (every process builds the same one).
      const s = await flushOutbox(ctx, {
        ...(values.case ? { caseId: values.case } : {}),
        ...(limit ? { limit } : {}),
      });
      console.log(
        `outbox: claimed ${s.claimed}  sent ${s.sent}  retry ${s.retried}  conflict ${s.conflict}  dead ${s.dead}${s.unpublished ? `  no publisher ${s.unpublished}` : ""}`,
      );
    });
    return;
  }
  if (sub === "list") {
    await withCliContext(config, async (ctx) => {
      const rows = await listOutbox(ctx, {
        ...(values.status ? { status: values.status } : {}),
        ...(values.case ? { caseId: values.case } : {}),
        limit: 200,
      });
      if (!rows.length) console.log("outbox is empty");
      for (const r of rows)
        console.log(
          `${r.seq}  ${r.id}  ${r.kind}  ${r.target}  ${r.status}  attempts ${r.attempts}${r.lastError ? `  ${r.lastError}` : ""}`,
        );
    });
    return;
  }
  console.error(USAGE);
  process.exitCode = 64;
}
