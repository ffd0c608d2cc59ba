// `aduan-hub import legacy <file> [--json]`: imports an old monthly complaint log (TSV, the
// whole seed text document, or XLSX) and prints the import report.
import { basename } from "node:path";
import { parseArgs } from "node:util";
import type { Config } from "../config/config.js";
import type { HubContext } from "../context.js";
import {
  formatImportReport,
  importLegacy,
  type ImportRunDto,
} from "../services/legacy-import.service.js";
import { withCliContext } from "./cli-context.js";
import { DEFAULT_INSTANSI } from "../domain/instansi.js";
import { instansiOption, readInputFile, UsageError } from "./main.js";

export const IMPORT_USAGE = `  import legacy <file> [--instansi CODE] [--json]
                                import an old monthly complaint log (TSV, the whole text
                                document, or .xlsx) as closed cases; prints the report
  import lapor-export <file> [--instansi CODE]
                                import a LAPOR! admin-panel export (CSV or XLSX), deduped
                                by tracking id
                                --instansi: the office imported into (default ${DEFAULT_INSTANSI})`;

/** Imports one file with an open context (used by `run` and by the tests). */
export async function importLegacyFile(
  ctx: HubContext,
  file: string,
  instansi?: string,
): Promise<ImportRunDto> {
  const bytes = await readInputFile(file);
  return importLegacy(ctx, { bytes, fileName: basename(file), actor: null, instansi });
}

export async function run(config: Config, args: string[]): Promise<void> {
  // issue 4: the LAPOR! admin export has its own command file.
  if (args[0] === "lapor-export")
    return (await import("./lapor-import.cli.js")).run(config, args.slice(1));
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { json: { type: "boolean" }, instansi: { type: "string" } },
  });
  const [sub, file] = positionals;
  if (sub !== "legacy" || !file || positionals.length > 2)
    throw new UsageError(`usage:\n${IMPORT_USAGE}`);
  const instansi = instansiOption(values.instansi);
  const report = await withCliContext(config, (ctx) => importLegacyFile(ctx, file, instansi));
  console.log(values.json ? JSON.stringify(report, null, 2) : formatImportReport(report));
  if (report.failed > 0) process.exitCode = 1;
}
