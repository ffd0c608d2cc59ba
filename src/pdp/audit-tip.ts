// The seal tip kept outside the database (see the header of ./audit-chain.ts). The chain
// alone cannot show that its newest rows were deleted; a tip written somewhere the
// database's users cannot reach (a file in the data dir, and the line the operator copies
// from `aduan-hub audit seal`) can. Format of the value: aduan-audit-tip:v1:<id>:<rows>:<mac>.
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import type { Config } from "../config/config.js";
import type { HubContext } from "../context.js";
import { readSealTip, type SealTip } from "./audit-chain.js";

const PREFIX = "aduan-audit-tip:v1:";
const TOKEN = /aduan-audit-tip:v1:(\d+):(\d+):([0-9a-f]{64})/;

export class TipFormatError extends Error {}

export function tipToken(t: SealTip): string {
  return `${PREFIX}${t.id}:${t.rows}:${t.hash}`;
}

/** Finds a tip value in a text (the bare value, the tip file's JSON, or a pasted line). */
export function parseTip(text: string): SealTip | null {
  const m = TOKEN.exec(text);
  return m ? { id: m[1]!, rows: Number(m[2]), hash: m[3]! } : null;
}

/** The configured tip file, or null when ADUAN_AUDIT_TIP_FILE=off. */
export function tipFilePath(config: Pick<Config, "ADUAN_AUDIT_TIP_FILE" | "ADUAN_DATA_DIR">) {
  if (config.ADUAN_AUDIT_TIP_FILE === "off") return null;
  return config.ADUAN_AUDIT_TIP_FILE ?? join(config.ADUAN_DATA_DIR, "audit-tip.json");
}

export function readTipFile(path: string): SealTip | null {
  if (!existsSync(path)) return null;
  const tip = parseTip(readFileSync(path, "utf8"));
  if (!tip) throw new TipFormatError(`${path}: tidak berisi nilai ujung segel (${PREFIX}…)`);
  return tip;
}

/** `--tip`: the value itself, or a file holding it. */
export function resolveTipArg(value: string): SealTip {
  const direct = parseTip(value.trim());
  if (direct && value.trim().startsWith(PREFIX)) return direct;
  if (!existsSync(value))
    throw new TipFormatError(`--tip: bukan nilai ${PREFIX}… dan bukan berkas yang ada`);
  const tip = readTipFile(value);
  if (!tip) throw new TipFormatError(`--tip: ${value} kosong`);
  return tip;
}

/**
 * Writes the last seal's tip to the tip file when it moved. Written to a temporary name
 * and renamed, so a crash never leaves half a tip. Returns the tip (null before any seal).
 */
export async function saveSealTip(
  ctx: HubContext,
): Promise<{ tip: SealTip; file: string | null } | null> {
  const tip = await readSealTip(ctx);
  if (!tip) return null;
  const file = tipFilePath(ctx.config);
  if (!file) return { tip, file: null };
  const token = tipToken(tip);
  let current: string | null = null;
  try {
    current = existsSync(file) ? readFileSync(file, "utf8") : null;
  } catch {
    current = null;
  }
  if (current === null || !current.includes(token)) {
    mkdirSync(dirname(file), { recursive: true });
    const body = JSON.stringify(
      {
        tip: token,
        id: tip.id,
        rows: tip.rows,
        hash: tip.hash,
        sealedAt: ctx.clock().toISOString(),
        note: "Simpan salinan nilai tip di luar server; periksa dengan: aduan-hub audit verify --tip <nilai>",
      },
      null,
      2,
    );
    const tmp = `${file}.${process.pid}.tmp`;
    writeFileSync(tmp, body + "\n", { mode: 0o644 });
    renameSync(tmp, file);
  }
  return { tip, file };
}
