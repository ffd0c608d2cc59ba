// The SIKS-NG reason-code catalogue: what staff saw for a person, as a stable code that
// renders the narasi. The catalogue is data (adapters/siks-ng/reason-codes.v<N>.json),
// versioned, validated once when loaded; a bad catalogue is a deployment bug, so
// loadCatalogue throws while parseCatalogue returns the issues for an admin editor.
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { z } from "zod";
import { JENIS_CODES } from "./jenis.js";
import { PROGRAMMES, parseTemplate, templateVariables, type ProgrammeCode } from "./narasi.js";
import { err, ok, type Result } from "./result.js";
import { BIDANG_CODES, type BidangCode } from "./roles.js";

export { PROGRAMMES, PROGRAMME_LABELS, type ProgrammeCode } from "./narasi.js";

export const STATUS_SEEN = ["AKTIF", "SUSPEND", "EXCLUDE", "NONAKTIF", "TIDAK_TERDAFTAR"] as const;
export type StatusSeen = (typeof STATUS_SEEN)[number];

/** What staff read for each status seen in SIKS-NG. */
export const STATUS_SEEN_LABELS: Readonly<Record<StatusSeen, string>> = {
  AKTIF: "Aktif",
  SUSPEND: "Suspend",
  EXCLUDE: "Exclude",
  NONAKTIF: "Nonaktif",
  TIDAK_TERDAFTAR: "Tidak terdaftar",
};

export type Bidang = BidangCode;

const codeId = z.string().regex(/^[A-Z][A-Z0-9_]*$/, "id harus huruf besar, angka dan garis bawah");

export const reasonCodeSchema = z.object({
  id: codeId,
  programmes: z.array(z.enum(PROGRAMMES)).min(1),
  label: z.string().min(1),
  /** Statuses this finding is seen with; empty = not tied to a SIKS-NG status (referrals). */
  statusSeen: z.array(z.enum(STATUS_SEEN)),
  narasi: z.string().min(1),
  saran: z.string().min(1).nullable(),
  /** The jenis this finding usually belongs to; null when it depends on the programme. */
  jenis: codeId.nullable(),
  bidang: z.enum(BIDANG_CODES as [BidangCode, ...BidangCode[]]).nullable(),
});

export const catalogueSchema = z.object({
  version: z.number().int().positive(),
  codes: z.array(reasonCodeSchema).min(1),
});

export type ReasonCode = z.infer<typeof reasonCodeSchema>;

export type Catalogue = {
  version: number;
  codes: readonly ReasonCode[];
  byId: ReadonlyMap<string, ReasonCode>;
};

export type CatalogueIssue = { path: string; message: string };

/** Validates a parsed catalogue JSON: shape, unique ids, templates and jenis codes. */
export function parseCatalogue(
  json: unknown,
  opts: { knownJenis?: readonly string[] } = {},
): Result<Catalogue, CatalogueIssue[]> {
  const parsed = catalogueSchema.safeParse(json);
  if (!parsed.success) {
    return err(
      parsed.error.issues.map((i) => ({ path: i.path.map(String).join("."), message: i.message })),
    );
  }
  const knownJenis = new Set(opts.knownJenis ?? JENIS_CODES);
  const issues: CatalogueIssue[] = [];
  const byId = new Map<string, ReasonCode>();
  parsed.data.codes.forEach((code, index) => {
    const at = `codes.${index}`;
    if (byId.has(code.id)) issues.push({ path: `${at}.id`, message: `id ganda: ${code.id}` });
    byId.set(code.id, code);
    if (code.jenis !== null && !knownJenis.has(code.jenis)) {
      issues.push({ path: `${at}.jenis`, message: `jenis tidak dikenal: ${code.jenis}` });
    }
    if (new Set(code.programmes).size !== code.programmes.length) {
      issues.push({ path: `${at}.programmes`, message: "program ganda" });
    }
    for (const field of ["narasi", "saran"] as const) {
      const template = code[field];
      if (template === null) continue;
      const tpl = parseTemplate(template);
      if (!tpl.ok)
        issues.push({
          path: `${at}.${field}`,
          message: `${tpl.error.problem} (posisi ${tpl.error.at})`,
        });
    }
    const narasi = parseTemplate(code.narasi);
    if (narasi.ok && !templateVariables(narasi.value).used.has("nama_pelapor")) {
      // A narasi that does not name the complainant cannot be checked against the case.
      issues.push({
        path: `${at}.narasi`,
        message: "template narasi harus memuat {{nama_pelapor}}",
      });
    }
  });
  if (issues.length > 0) return err(issues);
  return ok({ version: parsed.data.version, codes: parsed.data.codes, byId });
}

export class CatalogueError extends Error {
  constructor(readonly issues: CatalogueIssue[]) {
    super(
      `katalog kode alasan tidak valid: ${issues.map((i) => `${i.path}: ${i.message}`).join("; ")}`,
    );
    this.name = "CatalogueError";
  }
}

export function loadCatalogue(json: unknown): Catalogue {
  const result = parseCatalogue(json);
  if (!result.ok) throw new CatalogueError(result.error);
  return result.value;
}

// Source runs from src/domain, the build from dist/src/domain: find the package root
// instead of counting "../".
function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, "package.json"))) return dir;
    const parent = dirname(dir);
    if (parent === dir)
      throw new Error("package.json tidak ditemukan di atas " + fileURLToPath(import.meta.url));
    dir = parent;
  }
}

export const DEFAULT_CATALOGUE_PATH = "adapters/siks-ng/reason-codes.v2.json";

let cached: Catalogue | undefined;

/** The catalogue shipped in the repository (read once). */
export function defaultCatalogue(): Catalogue {
  if (!cached) {
    const file = join(packageRoot(), DEFAULT_CATALOGUE_PATH);
    cached = loadCatalogue(JSON.parse(readFileSync(file, "utf8")) as unknown);
  }
  return cached;
}

export type FindingError =
  | { code: "REASON_CODE_UNKNOWN"; field: "reasonCode"; message: string }
  | { code: "REASON_CODE_PROGRAMME_MISMATCH"; field: "programme"; message: string };

export function validateFinding(
  catalogue: Catalogue,
  finding: { code: string; programme: ProgrammeCode | string },
): Result<ReasonCode, FindingError> {
  const reason = catalogue.byId.get(finding.code);
  if (!reason) {
    return err({
      code: "REASON_CODE_UNKNOWN",
      field: "reasonCode",
      message: `kode alasan tidak dikenal: ${finding.code}`,
    });
  }
  if (!(reason.programmes as readonly string[]).includes(finding.programme)) {
    return err({
      code: "REASON_CODE_PROGRAMME_MISMATCH",
      field: "programme",
      message: `kode alasan ${reason.id} tidak berlaku untuk program ${finding.programme} (berlaku: ${reason.programmes.join(", ")})`,
    });
  }
  return ok(reason);
}
