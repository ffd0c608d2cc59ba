// aduan-hub import lapor-export <file.csv|file.xlsx> — dispatched from import.cli.ts.
// The rows go through the same upsert as the API sync, deduped by tracking id: importing
// the same (or a later) export again creates nothing twice.
import { basename } from "node:path";
import { parseArgs } from "node:util";
import type { Config } from "../config/config.js";
import { withCliContext } from "./cli-context.js";
import { instansiOption, readInputFile, UsageError } from "./main.js";
import { ImportLimitError } from "../domain/uploads/import-limits.js";

const USAGE = "usage: aduan-hub import lapor-export <file.csv|file.xlsx> [--instansi CODE]";

export async function run(config: Config, args: string[]): Promise<void> {
  let parsed;
  try {
    parsed = parseArgs({ args, allowPositionals: true, options: { instansi: { type: "string" } } });
  } catch {
    throw new UsageError(USAGE);
  }
  const [file, ...more] = parsed.positionals;
  if (!file || more.length) throw new UsageError(USAGE);
  const instansi = instansiOption(parsed.values.instansi);
  const bytes = await readInputFile(file);
  await withCliContext(config, async (ctx) => {
    const importer = ctx.registry.imports["lapor-export"];
    if (!importer) throw new Error("lapor-export importer missing from the registry");
    try {
      const r = await importer.run(ctx, bytes, { fileName: basename(file), instansi });
      console.log(
        `import lapor-export ${basename(file)}: ${r.rows} row(s)  created ${r.created}  updated ${r.updated}  unchanged ${r.unchanged}  failed ${r.failed}`,
      );
      if (r.failed) {
        console.log("  failed rows are in `aduan-hub deadletter list`");
        process.exitCode = 1;
      }
    } catch (e) {
      const refused = importer.refusal(e);
      if (refused) {
        console.error(`aduan-hub: ${refused.message} (${refused.code})`);
        for (const f of refused.fields) console.error(`  ${f.field}: ${f.message}`);
        process.exitCode = 65;
        return;
      }
      if (e instanceof ImportLimitError) {
        console.error(`aduan-hub: ${e.message} (${e.code})`);
        process.exitCode = 65;
        return;
      }
      throw e;
    }
  });
}
