// aduan-hub audit verify | seal | breach: the processing record's hash chain, and the
// breach report for the 3×24-hour notice.
import { parseArgs } from "node:util";
import { userInfo } from "node:os";
import type { Config } from "../config/config.js";
import { sealAuditChain, verifyAuditChain } from "../pdp/audit-chain.js";
import { breachReportAudited, type BreachReport } from "../pdp/breach.js";
import { withCliContext } from "./cli-context.js";
import { UsageError } from "./main.js";

export const AUDIT_USAGE = `  audit verify                  seal, then recompute the audit hash chain; exit 1 and the
                                first broken row if it was tampered with
  audit seal                    chain the audit rows written since the last seal
  audit breach --since ISO [--until ISO] [--user U | --ip A] [--json]
                                who/what personal data was read or exported in a window
`;

function parseDate(v: string | undefined, flag: string): Date | undefined {
  if (v === undefined) return undefined;
  const d = new Date(v);
  if (Number.isNaN(d.getTime()))
    throw new UsageError(`audit breach: ${flag} is not a date (ISO 8601)`);
  return d;
}

export function formatBreach(r: BreachReport): string {
  const out: string[] = [];
  out.push(`Jendela: ${r.window.since} s.d. ${r.window.until}`);
  if (r.filter.user) out.push(`Akun: ${r.filter.user}`);
  if (r.filter.ip) out.push(`Alamat IP: ${r.filter.ip}`);
  out.push(
    `Akses data pribadi: ${r.accesses}; aduan: ${r.records.length}; orang: ${r.people.length}`,
  );
  out.push("", "Aduan (data yang dibaca/diekspor):");
  for (const c of r.records)
    out.push(
      `  ${c.caseNumber}  ${c.instansi}  [${c.fields.join(", ")}]  ${c.actions.join(", ")}  oleh ${c.actors.join(", ")}`,
    );
  out.push("", "Orang terdampak:");
  for (const p of r.people)
    out.push(
      `  ${p.name ?? "-"}  NIK ${p.nikMasked ?? "-"}  ${p.phoneMasked ?? ""}  (${p.role}, ${p.caseNumber}, ${p.instansi})`,
    );
  if (r.other.length) {
    out.push("", "Akses lain (laporan/ekspor tanpa satu aduan):");
    for (const o of r.other)
      out.push(
        `  #${o.id} ${o.at} ${o.instansi} ${o.action} oleh ${o.actor ?? "-"} [${o.fields.join(", ")}]`,
      );
  }
  return out.join("\n");
}

export async function run(config: Config, args: string[]): Promise<void> {
  const [sub, ...rest] = args;
  if (sub === "seal") {
    await withCliContext(config, async (ctx) => {
      console.log(`disegel: ${await sealAuditChain(ctx)} baris`);
    });
    return;
  }
  if (sub === "verify") {
    await withCliContext(config, async (ctx) => {
      await sealAuditChain(ctx);
      const r = await verifyAuditChain(ctx);
      if (r.ok) {
        console.log(`OK ${r.rows} baris`);
        return;
      }
      console.log(
        `RUSAK pada baris ${r.brokenAt} (${r.kind === "hash" ? "isi/hash" : "tautan prevHash"}): ` +
          `seharusnya ${r.expected}, tersimpan ${r.stored ?? "(kosong)"}`,
      );
      process.exitCode = 1;
    });
    return;
  }
  if (sub === "breach") {
    const { values } = parseArgs({
      args: rest,
      options: {
        since: { type: "string" },
        until: { type: "string" },
        user: { type: "string" },
        ip: { type: "string" },
        json: { type: "boolean", default: false },
      },
    });
    const since = parseDate(values.since, "--since");
    if (!since) throw new UsageError("audit breach: --since is required");
    if (values.user && values.ip)
      throw new UsageError("audit breach: give --user or --ip, not both");
    await withCliContext(config, async (ctx) => {
      const report = await breachReportAudited(
        ctx,
        { since, until: parseDate(values.until, "--until"), user: values.user, ip: values.ip },
        userInfo().username,
      );
      console.log(values.json ? JSON.stringify(report, null, 2) : formatBreach(report));
    });
    return;
  }
  throw new UsageError(`unknown audit subcommand\n${AUDIT_USAGE}`);
}
