// Narasi (the follow-up narrative of a case) rendered from a reason code's template.
// The seed's hand-typed narratives carry copy-paste errors (another person's name), so
// the text is built only from the variables of the case at hand, by a deliberately tiny
// engine: `{{var}}` substitution and `{{#var}}...{{/var}}` sections that render only
// when the variable has a value (used for optional parts such as the data period).
import { parseNik } from "./nik.js";
import { err, ok, type Result } from "./result.js";
import type { ReasonCode } from "./reason-codes.js";
import { foldLookalikes } from "./jenis.js";

export const PROGRAMMES = [
  "PKH",
  "BPNT",
  "PBI_JK",
  "ASLUT",
  "ATENSI",
  "RASDA",
  "RUTILAHU",
  "KKS",
  "ODKB",
  "DTKS",
  "LAINNYA",
] as const;
export type ProgrammeCode = (typeof PROGRAMMES)[number];

export function isProgrammeCode(value: string): value is ProgrammeCode {
  return (PROGRAMMES as readonly string[]).includes(value);
}

/** How a programme is named in a narasi, as the office writes it. */
export const PROGRAMME_LABELS: Record<ProgrammeCode, string> = {
  PKH: "PKH",
  BPNT: "BPNT",
  PBI_JK: "BPJS/PBI JK",
  ASLUT: "ASLUT",
  ATENSI: "ATENSI",
  RASDA: "Rasda",
  RUTILAHU: "Rutilahu",
  KKS: "KKS",
  ODKB: "ODKB",
  DTKS: "DTKS/DTSEN",
  LAINNYA: "sosial",
};

/** How staff see a programme in the console's lists (the narasi's wording, but "Lainnya"). */
export const PROGRAMME_STAFF_LABELS: Record<ProgrammeCode, string> = {
  ...PROGRAMME_LABELS,
  LAINNYA: "Lainnya",
};

export const TEMPLATE_VARIABLES = [
  "sapaan",
  "nama_pelapor",
  "atas_nama",
  "program",
  "periode",
  "catatan",
] as const;
export type TemplateVariable = (typeof TEMPLATE_VARIABLES)[number];

function isTemplateVariable(name: string): name is TemplateVariable {
  return (TEMPLATE_VARIABLES as readonly string[]).includes(name);
}

// `atas_nama` is computed by the renderer and legitimately empty when the complainant is
// the person concerned, so it can never be "missing".
const ALWAYS_PROVIDED: ReadonlySet<TemplateVariable> = new Set(["atas_nama"]);

export type TemplateNode =
  | { kind: "text"; text: string }
  | { kind: "var"; name: TemplateVariable }
  | { kind: "section"; name: TemplateVariable; children: TemplateNode[] };

export type TemplateIssue = { problem: string; at: number };

export function parseTemplate(template: string): Result<TemplateNode[], TemplateIssue> {
  const root: TemplateNode[] = [];
  const stack: Array<{ name: TemplateVariable; children: TemplateNode[]; at: number }> = [];
  const current = (): TemplateNode[] => stack[stack.length - 1]?.children ?? root;
  const tag = /\{\{\s*([#/]?)\s*([^{}]*?)\s*\}\}/g;
  let last = 0;
  for (let m = tag.exec(template); m !== null; m = tag.exec(template)) {
    if (m.index > last) current().push({ kind: "text", text: template.slice(last, m.index) });
    last = m.index + m[0].length;
    const sigil = m[1] ?? "";
    const name = m[2] ?? "";
    if (!isTemplateVariable(name))
      return err({ problem: `variabel tidak dikenal: {{${sigil}${name}}}`, at: m.index });
    if (sigil === "#") {
      if (stack.some((s) => s.name === name))
        return err({ problem: `bagian {{#${name}}} bersarang`, at: m.index });
      stack.push({ name, children: [], at: m.index });
    } else if (sigil === "/") {
      const open = stack.pop();
      if (!open || open.name !== name)
        return err({ problem: `penutup {{/${name}}} tanpa pembuka`, at: m.index });
      current().push({ kind: "section", name, children: open.children });
    } else {
      current().push({ kind: "var", name });
    }
  }
  const rest = template.slice(last);
  const stray = rest.indexOf("{{") >= 0 ? rest.indexOf("{{") : rest.indexOf("}}");
  if (stray >= 0) return err({ problem: "kurung kurawal tidak berpasangan", at: last + stray });
  const unclosed = stack[stack.length - 1];
  if (unclosed)
    return err({ problem: `bagian {{#${unclosed.name}}} tidak ditutup`, at: unclosed.at });
  if (rest.length > 0) root.push({ kind: "text", text: rest });
  return ok(root);
}

/** Variables a template uses, and those it cannot render without (outside sections). */
export function templateVariables(nodes: readonly TemplateNode[]): {
  used: Set<TemplateVariable>;
  required: Set<TemplateVariable>;
} {
  const used = new Set<TemplateVariable>();
  const required = new Set<TemplateVariable>();
  const walk = (list: readonly TemplateNode[], inSection: boolean): void => {
    for (const node of list) {
      if (node.kind === "var") {
        used.add(node.name);
        if (!inSection && !ALWAYS_PROVIDED.has(node.name)) required.add(node.name);
      } else if (node.kind === "section") {
        used.add(node.name);
        walk(node.children, true);
      }
    }
  };
  walk(nodes, false);
  return { used, required };
}

export type NarasiError =
  | { code: "NARASI_VARIABLE_MISSING"; field: TemplateVariable; message: string }
  | { code: "NARASI_TEMPLATE_INVALID"; field: "narasi" | "saran"; message: string };

export type TemplateValues = Partial<Record<TemplateVariable, string>>;

function clean(value: string | undefined | null): string {
  return (value ?? "").replace(/\s+/g, " ").trim();
}

// Joining optional fragments leaves doubled spaces or a space before punctuation.
function tidy(text: string): string {
  return text
    .replace(/[ \t]+/g, " ")
    .replace(/ ([.,;:)])/g, "$1")
    .replace(/\( /g, "(")
    .replace(/([^.])\.\.(?!\.)/g, "$1.")
    .trim();
}

export function renderTemplate(
  template: string,
  values: TemplateValues,
  which: "narasi" | "saran" = "narasi",
): Result<string, NarasiError> {
  const parsed = parseTemplate(template);
  if (!parsed.ok) {
    return err({ code: "NARASI_TEMPLATE_INVALID", field: which, message: parsed.error.problem });
  }
  const { required } = templateVariables(parsed.value);
  for (const name of TEMPLATE_VARIABLES) {
    if (required.has(name) && clean(values[name]) === "") {
      return err({
        code: "NARASI_VARIABLE_MISSING",
        field: name,
        message: `variabel "${name}" wajib diisi`,
      });
    }
  }
  const emit = (nodes: readonly TemplateNode[]): string =>
    nodes
      .map((node) => {
        if (node.kind === "text") return node.text;
        // atas_nama keeps its leading space: it is a fragment, not a word.
        if (node.kind === "var")
          return node.name === "atas_nama" ? (values.atas_nama ?? "") : clean(values[node.name]);
        return clean(values[node.name]) === "" ? "" : emit(node.children);
      })
      .join("");
  return ok(tidy(emit(parsed.value)));
}

export type Sapaan = "Bapak" | "Ibu" | "Bapak/Ibu";

/**
 * Bapak/Ibu from the recorded sex; else from the NIK's birth day (women +40); else
 * "Bapak/Ibu", as the office writes when it does not know (never "Sdr.", which its letters
 * do not use). An invalid NIK says nothing about sex, so it falls to "Bapak/Ibu".
 */
export function honorific(person: {
  sex?: "L" | "P" | null | undefined;
  nik?: string | null | undefined;
}): Sapaan {
  if (person.sex === "L") return "Bapak";
  if (person.sex === "P") return "Ibu";
  if (person.nik) {
    const parsed = parseNik(person.nik);
    if (parsed.ok) return parsed.value.sex === "P" ? "Ibu" : "Bapak";
  }
  return "Bapak/Ibu";
}

function sameName(a: string, b: string): boolean {
  const norm = (s: string): string =>
    foldLookalikes(s)
      .text.toLowerCase()
      .replace(/[^\p{L}]+/gu, " ")
      .trim();
  return norm(a) === norm(b);
}

/** " atas nama X" when the person concerned is someone else than the complainant. */
export function atasNamaFragment(
  namaPelapor: string,
  namaTerkait: string | null | undefined,
): string {
  const terkait = clean(namaTerkait);
  if (terkait === "" || sameName(namaPelapor, terkait)) return "";
  return ` atas nama ${terkait}`;
}

export type NarasiVars = {
  sapaan: string;
  nama_pelapor: string;
  /** The person concerned; omitted or equal to the complainant → no "atas nama". */
  nama_terkait?: string | null | undefined;
  /** A programme code (rendered with its label) or an already human label. */
  program?: ProgrammeCode | string | null | undefined;
  periode?: string | null | undefined;
  catatan?: string | null | undefined;
};

export type RenderedNarasi = { narasi: string; saran: string | null };

export function narasiValues(vars: NarasiVars): TemplateValues {
  const program = clean(vars.program);
  return {
    sapaan: clean(vars.sapaan),
    nama_pelapor: clean(vars.nama_pelapor),
    atas_nama: atasNamaFragment(vars.nama_pelapor, vars.nama_terkait),
    program: isProgrammeCode(program) ? PROGRAMME_LABELS[program] : program,
    periode: clean(vars.periode),
    catatan: clean(vars.catatan),
  };
}

export function renderNarasi(
  code: Pick<ReasonCode, "narasi" | "saran">,
  vars: NarasiVars,
): Result<RenderedNarasi, NarasiError> {
  const values = narasiValues(vars);
  const narasi = renderTemplate(code.narasi, values, "narasi");
  if (!narasi.ok) return narasi;
  if (code.saran === null) return ok({ narasi: narasi.value, saran: null });
  const saran = renderTemplate(code.saran, values, "saran");
  if (!saran.ok) return saran;
  return ok({ narasi: narasi.value, saran: saran.value });
}
