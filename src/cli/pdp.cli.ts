// aduan-hub pdp retention [--dry-run] [--json]: anonymise what is past retention now.
import { parseArgs } from "node:util";
import type { Config } from "../config/config.js";
import { runRetention } from "../pdp/retention.js";
import { withCliContext } from "./cli-context.js";
import { UsageError } from "./main.js";

export const PDP_USAGE = `  pdp retention [--dry-run] [--json]
                                anonymise closed cases, raw messages and files past their
                                retention period (PDP_RETENTION_YEARS_*); counts stay
`;

export async function run(config: Config, args: string[]): Promise<void> {
  const [sub, ...rest] = args;
  if (sub !== "retention") throw new UsageError(`unknown pdp subcommand\n${PDP_USAGE}`);
  const { values } = parseArgs({
    args: rest,
    options: {
      "dry-run": { type: "boolean", default: false },
      json: { type: "boolean", default: false },
    },
  });
  await withCliContext(config, async (ctx) => {
    const r = await runRetention(ctx, { dryRun: values["dry-run"] });
    if (values.json) {
      console.log(JSON.stringify(r, null, 2));
      return;
    }
    console.log(
      `${r.dryRun ? "UJI COBA (tidak ada yang diubah): " : ""}aduan ${r.cases}, pihak ${r.parties}, ` +
        `temuan ${r.findings}, pesan ${r.messages}, lampiran ${r.attachments}, pesan mentah ${r.rawMessages}, ` +
        `percobaan masuk ${r.loginAttempts}`,
    );
    console.log(
      `batas: aduan selesai sebelum ${r.cutoffs.closedCases}; pesan mentah sebelum ${r.cutoffs.rawMessages}; ` +
        `percobaan masuk sebelum ${r.cutoffs.loginAttempts}`,
    );
    if (r.auditPastRetention)
      console.log(
        `catatan audit melewati retensi (tidak dihapus otomatis): ${r.auditPastRetention}`,
      );
  });
}
