// aduan-hub report monthly|annual|list: issues a report from the cases, stores it in
// `Report` (like the API) and writes the file.
import { writeFile } from "node:fs/promises";
import { parseArgs } from "node:util";
import type { Config } from "../config/config.js";
import {
  issueReport,
  listReports,
  parseMonth,
  parseSignDate,
  type ReportFormat,
} from "../services/reports.service.js";
import { withCliContext } from "./cli-context.js";
import { UsageError } from "./main.js";

export const REPORT_USAGE = `  report monthly --month YYYY-MM --format xlsx|pdf|csv --out FILE [--sign-date YYYY-MM-DD]
                                the monthly SLRT SERASI table of one WITA month
  report annual --year YYYY --format pdf|xlsx|json [--out FILE] [--sign-date YYYY-MM-DD]
                                the annual report (json without --out prints the figures)
  report list [--kind monthly|annual]
                                issued reports with their checksums
`;

const CLI_ACTOR = null;

export async function run(config: Config, args: string[]): Promise<void> {
  const [sub, ...rest] = args;
  const { values } = parseArgs({
    args: rest,
    options: {
      month: { type: "string" },
      year: { type: "string" },
      format: { type: "string" },
      out: { type: "string" },
      "sign-date": { type: "string" },
      kind: { type: "string" },
    },
  });
  if (sub === "list") {
    await withCliContext(config, async (ctx) => {
      for (const r of await listReports(ctx, { kind: values.kind })) {
        console.log(
          `${r.createdAt}  ${r.kind.padEnd(7)} ${String(r.params.periode).padEnd(8)} ${r.format.padEnd(4)} sha256=${r.checksum.slice(0, 16)}…  ${r.fileName}  ${r.createdBy ?? "cli"}  ${r.id}`,
        );
      }
    });
    return;
  }
  if (sub !== "monthly" && sub !== "annual") {
    throw new UsageError(`report: expected monthly, annual or list\n\n${REPORT_USAGE}`);
  }
  const format = values.format as ReportFormat | undefined;
  if (!format) throw new UsageError(`report ${sub}: --format is required\n\n${REPORT_USAGE}`);
  let year: number;
  let month: number | undefined;
  if (sub === "monthly") {
    if (!values.month || !values.out) {
      throw new UsageError(`report monthly: --month and --out are required\n\n${REPORT_USAGE}`);
    }
    ({ year, month } = parseMonth(values.month, "--month"));
  } else {
    year = Number(values.year);
    if (!values.year || !Number.isInteger(year) || year < 2000 || year > 2100) {
      throw new UsageError(`report annual: --year YYYY is required\n\n${REPORT_USAGE}`);
    }
    if (format !== "json" && !values.out) {
      throw new UsageError(`report annual: --out is required for ${format}\n\n${REPORT_USAGE}`);
    }
  }
  const signDate = values["sign-date"]
    ? parseSignDate(values["sign-date"], "--sign-date")
    : undefined;
  await withCliContext(config, async (ctx) => {
    const issued = await issueReport(ctx, {
      kind: sub,
      format,
      year,
      ...(month !== undefined ? { month } : {}),
      ...(signDate ? { signDate } : {}),
      actor: CLI_ACTOR,
    });
    if (values.out) {
      await writeFile(values.out, issued.bytes);
      console.log(
        `${values.out}: ${issued.bytes.length} bytes, sha256=${issued.checksum} (laporan ${issued.id})`,
      );
    } else {
      process.stdout.write(`${JSON.stringify(issued.counts, null, 2)}\n`);
    }
    if (issued.dataChanged) {
      console.error(
        `Data berubah sejak laporan terakhir untuk periode yang sama (${issued.previousReportId}); isi laporan ini berbeda.`,
      );
    }
  });
}
