// aduan-hub audit verify | seal | breach: the processing record's hash chain, and the
// breach report for the 3×24-hour notice.
import { parseArgs } from "node:util";
import { userInfo } from "node:os";
import type { Config } from "../config/config.js";
import {
  sealAuditChain,
  verifyAuditChain,
  type ChainProblem,
  type SealTip,
} from "../pdp/audit-chain.js";
import {
  readTipFile,
  resolveTipArg,
  saveSealTip,
  TipFormatError,
  tipFilePath,
  tipToken,
} from "../pdp/audit-tip.js";
import { breachReportAudited, type BreachReport } from "../pdp/breach.js";
import { withCliContext } from "./cli-context.js";
import { UsageError } from "./main.js";

export const AUDIT_USAGE = `  audit verify [--tip VALUE|FILE]
                                seal, then recompute the audit chain (HMAC); exit 1 and
                                every broken row if it was tampered with. Checks the tip of
                                the last seal (the tip file, or --tip: the value an operator
                                kept) so deleted newest rows are reported too
  audit seal [--reanchor]       chain the audit rows written since the last seal and print
                                the tip to keep; --reanchor: after a reported break, go on
                                from the chain's current end (recorded in the trail)
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
      `  ${p.name ?? "-"}  NIK ${p.nikMasked ?? "-"}  ${p.phoneMasked ?? ""}${p.bsuidMasked ? `  WA ${p.bsuidMasked}` : ""}  (${p.role}, ${p.caseNumber}, ${p.instansi})`,
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

const KIND_LABEL: Record<ChainProblem["kind"], string> = {
  hash: "isi/hash",
  link: "tautan prevHash",
  truncated: "ekor terpotong",
  tip: "ujung segel",
  legacy: "bagian SHA-256 lama",
};

function problemLine(p: ChainProblem): string {
  return (
    `#${p.id} ${KIND_LABEL[p.kind]}` +
    (p.detail ? `: ${p.detail}` : "") +
    ` (seharusnya ${p.expected}, tersimpan ${p.stored ?? "(kosong)"})`
  );
}

function tipLine(tip: SealTip, file: string | null): string {
  return (
    `ujung segel: ${tipToken(tip)}` +
    (file ? `\n  (ditulis ke ${file}; simpan salinannya di luar server)` : "")
  );
}

export async function run(config: Config, args: string[]): Promise<void> {
  const [sub, ...rest] = args;
  if (sub === "seal") {
    const { values } = parseArgs({
      args: rest,
      options: { reanchor: { type: "boolean", default: false } },
    });
    await withCliContext(config, async (ctx) => {
      const n = await sealAuditChain(ctx, { reanchor: values.reanchor });
      console.log(`disegel: ${n} baris`);
      const saved = await saveSealTip(ctx);
      if (!saved) {
        console.log(
          "penyegelan ditolak: ujung segel hilang atau berubah; lihat `aduan-hub audit verify`",
        );
        process.exitCode = 1;
        return;
      }
      console.log(tipLine(saved.tip, saved.file));
    });
    return;
  }
  if (sub === "verify") {
    const { values } = parseArgs({ args: rest, options: { tip: { type: "string" } } });
    let kept: { tip: SealTip; source: string } | null = null;
    try {
      if (values.tip !== undefined) kept = { tip: resolveTipArg(values.tip), source: "--tip" };
    } catch (e) {
      if (e instanceof TipFormatError) throw new UsageError(`audit verify: ${e.message}`);
      throw e;
    }
    await withCliContext(config, async (ctx) => {
      // The tip file is read before this run seals (and rewrites it).
      const file = tipFilePath(ctx.config);
      if (!kept && file) {
        const t = readTipFile(file);
        if (t) kept = { tip: t, source: file };
      }
      await sealAuditChain(ctx);
      const r = await verifyAuditChain(ctx, { tips: kept ? [kept] : [] });
      if (r.ok) {
        console.log(`OK ${r.rows} baris`);
        if (kept) console.log(`ujung segel #${kept.tip.id} (${kept.source}) ada dan utuh`);
        const saved = await saveSealTip(ctx);
        if (saved) console.log(tipLine(saved.tip, saved.file));
        return;
      }
      console.log(
        `RUSAK pada baris ${r.brokenAt} (${KIND_LABEL[r.kind]}): ` +
          `seharusnya ${r.expected}, tersimpan ${r.stored ?? "(kosong)"}`,
      );
      console.log(`${r.problemCount} masalah:`);
      for (const p of r.problems) console.log(`  ${problemLine(p)}`);
      if (r.problemCount > r.problems.length)
        console.log(`  … dan ${r.problemCount - r.problems.length} lagi`);
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
