// aduan-hub import lapor-export <file.csv|file.xlsx> — dispatched from import.cli.ts (issue 3).
import { readFile } from "node:fs/promises";
import { basename } from "node:path";
import type { Config } from "../config/config.js";
import { withCliContext } from "./cli-context.js";
import { importLaporExport, LaporExportError } from "../../adapters/lapor/lapor-export.import.js";

export async function run(config: Config, args: string[]): Promise<void> {
  const file = args.find((a) => !a.startsWith("-"));
  if (!file) {
    console.error("Usage: aduan-hub import lapor-export <file.csv|file.xlsx>");
    process.exitCode = 64;
    return;
  }
  const bytes = await readFile(file);
  await withCliContext(config, async (ctx) => {
    try {
      const r = await importLaporExport(ctx, bytes, { fileName: basename(file) });
      console.log(
        `import lapor-export ${basename(file)}: ${r.rows} row(s)  created ${r.created}  updated ${r.updated}  unchanged ${r.unchanged}  failed ${r.failed}`,
      );
      if (r.failed) console.log("  failed rows are in `aduan-hub deadletter list`");
    } catch (e) {
      if (e instanceof LaporExportError) {
        console.error(`aduan-hub: ${e.message} (${e.code})`);
        process.exitCode = 65;
        return;
      }
      throw e;
    }
  });
}
