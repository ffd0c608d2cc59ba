// aduan-hub deadletter list [--all] | replay <id> | replay --all
import { parseArgs } from "node:util";
import type { Config } from "../config/config.js";
import { withCliContext } from "./cli-context.js";
import {
  listDeadLetters,
  replayAllDeadLetters,
  replayDeadLetter,
  type ReplayOutcome,
} from "../sync/dead-letters.js";

const USAGE = `Usage: aduan-hub deadletter list [--all] [--source S]
       aduan-hub deadletter replay <id>
       aduan-hub deadletter replay --all [--source S]`;

function printOutcome(o: ReplayOutcome): void {
  console.log(
    `${o.id}  ${o.result}${o.caseId ? `  case ${o.caseId}` : ""}${o.error ? `  ${o.error}` : ""}`,
  );
}

export async function run(config: Config, args: string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      all: { type: "boolean", default: false },
      source: { type: "string" },
    },
  });
  const [sub, id] = positionals;
  if (sub === "list") {
    await withCliContext(config, async (ctx) => {
      const rows = await listDeadLetters(ctx, {
        ...(values.all ? {} : { status: "open" }),
        ...(values.source ? { source: values.source } : {}),
        limit: 500,
      });
      if (!rows.length) console.log("no dead letters");
      for (const r of rows) {
        console.log(
          `${r.id}  ${r.status.padEnd(8)} ${r.source}  ${r.externalId ?? "-"}  ${r.errorClass}  attempts ${r.attempts}  ${r.error}`,
        );
      }
    });
    return;
  }
  if (sub === "replay" && (id || values.all)) {
    await withCliContext(config, async (ctx) => {
      const outcomes = id
        ? [await replayDeadLetter(ctx, id)]
        : await replayAllDeadLetters(ctx, values.source ? { source: values.source } : {});
      outcomes.forEach(printOutcome);
      const ok = outcomes.filter((o) => o.result === "replayed").length;
      console.log(`replayed ${ok} of ${outcomes.length}`);
      if (ok < outcomes.length) process.exitCode = 1;
    });
    return;
  }
  console.error(USAGE);
  process.exitCode = 64;
}
