// Jenis (complaint type) taxonomy of the annual report, table 3.1, and a rule-based
// suggestion from the free-text KEPERLUAN. Staff can override the suggestion; the rules
// only have to be right for the way people actually write at the desk (abbreviations,
// mixed case, one-letter typos), not for arbitrary prose.

export const JENIS = [
  { code: "PBI_JK_REAKTIVASI", label: "Reaktivasi kartu PBI JK" },
  { code: "ASLUT", label: "Bantuan Asistensi Sosial Lanjut Usia Terlantar (ASLUT)" },
  { code: "BPNT", label: "Bantuan Pangan Non Tunai (BPNT)" },
  { code: "PKH", label: "Bantuan Keluarga Harapan (PKH)" },
  { code: "RASDA", label: "Bantuan Pangan Daerah (RASDA)" },
  { code: "RUTILAHU", label: "Bantuan Rumah Tidak Layak Huni (RUTILAHU)" },
  { code: "KKS_HILANG", label: "Kehilangan Kartu Keluarga Sejahtera (KKS)" },
  { code: "LAIN_LAIN", label: "Lain-lain" },
] as const;

export type JenisCode = (typeof JENIS)[number]["code"];

export const JENIS_CODES: readonly JenisCode[] = JENIS.map((j) => j.code);

export function isJenisCode(value: string): value is JenisCode {
  return (JENIS_CODES as readonly string[]).includes(value);
}

export function jenisLabel(code: JenisCode): string {
  const found = JENIS.find((j) => j.code === code);
  return found ? found.label : code;
}

export type JenisConfidence = "high" | "medium" | "low";

export type JenisSuggestion = {
  jenis: JenisCode;
  /** Which rule decided, for the audit trail and for staff to see why. */
  rule: string;
  confidence: JenisConfidence;
};

// ---------------------------------------------------------------------------------------
// Text helpers shared by the classifier, the reason inference and the legacy parser.

// Cyrillic/Greek letters that render like Latin ones. Hand-typed sheets pasted from
// phones carry them (the seed's "Mahrита"), and they break both search and matching.
// prettier-ignore
const LOOKALIKES: Record<string, string> = {
  а: "a", А: "A", в: "B", В: "B", е: "e", Е: "E", ё: "e", к: "k", К: "K", м: "m", М: "M",
  н: "H", Н: "H", о: "o", О: "O", р: "p", Р: "P", с: "c", С: "C", т: "t", Т: "T", у: "y",
  У: "Y", х: "x", Х: "X", і: "i", І: "I", ј: "j", Ј: "J", ѕ: "s", Ѕ: "S", һ: "h", ԁ: "d",
  ο: "o", Ο: "O", α: "a", Α: "A", ε: "e", Ε: "E", ι: "i", Ι: "I", κ: "k", Κ: "K", ν: "v",
  Ν: "N", ρ: "p", Ρ: "P", τ: "t", Τ: "T", υ: "u", Υ: "Y", χ: "x", Χ: "X", Β: "B", Η: "H",
  Μ: "M", Ζ: "Z",
};

// Lowercase Cyrillic "т" and "и" look Latin only in italics/cursive; "и" is how the
// seed's "Mahrита" hides an "i", so it is folded too.
const CURSIVE_LOOKALIKES: Record<string, string> = { и: "i", И: "I", п: "n", П: "N" };

/** Replaces non-Latin look-alike letters with their Latin twin; `changed` says if any. */
export function foldLookalikes(text: string): { text: string; changed: boolean } {
  // Plain ASCII (nearly every text) has nothing to fold and is its own NFKC form.
  if (!NON_ASCII.test(text)) return { text, changed: false };
  let changed = false;
  let out = "";
  for (const ch of text.normalize("NFKC")) {
    const latin = LOOKALIKES[ch] ?? CURSIVE_LOOKALIKES[ch];
    if (latin !== undefined) {
      changed = true;
      out += latin;
    } else {
      out += ch;
    }
  }
  return { text: out, changed };
}

// Any character beyond ASCII (astral ones are surrogate pairs, also in this range).
const NON_ASCII = /[\u0080-\uffff]/;

/** Lowercase, look-alikes folded, punctuation to spaces, letters split from digits. */
export function normaliseForMatching(text: string): string {
  const lower = foldLookalikes(text)
    .text.toLowerCase()
    .replace(/\ba\s*\.\s*n\b\.?/g, " an ");
  if (!NON_ASCII.test(lower)) return asciiWords(lower);
  return lower
    .replace(/[^\p{L}\p{N}]+/gu, " ")
    .replace(/(\p{L})(\p{N})/gu, "$1 $2")
    .replace(/(\p{N})(\p{L})/gu, "$1 $2")
    .replace(/\s+/g, " ")
    .trim();
}

/**
 * The same as the Unicode path above for ASCII text (nearly every text), in one pass: runs
 * of anything but letters and digits become one space, a letter next to a digit gets one,
 * no space at either end (tests/unit/domain/jenis.unit.test.ts compares the two).
 */
function asciiWords(s: string): string {
  let out = "";
  let prev = 0; // 0: nothing yet, 1: letter, 2: digit
  let gap = false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    const kind = (c >= 97 && c <= 122) || (c >= 65 && c <= 90) ? 1 : c >= 48 && c <= 57 ? 2 : 0;
    if (kind === 0) {
      gap = prev !== 0;
      continue;
    }
    if (gap || (prev !== 0 && prev !== kind)) out += " ";
    out += s[i];
    prev = kind;
    gap = false;
  }
  return out;
}

/** Optimal-string-alignment distance (Levenshtein + adjacent transposition). */
export function editDistance(a: string, b: string): number {
  const rows = a.length + 1;
  const cols = b.length + 1;
  const d: number[][] = Array.from({ length: rows }, () => new Array<number>(cols).fill(0));
  const at = (i: number, j: number): number => d[i]?.[j] ?? 0;
  const set = (i: number, j: number, v: number): void => {
    const row = d[i];
    if (row) row[j] = v;
  };
  for (let i = 0; i < rows; i++) set(i, 0, i);
  for (let j = 0; j < cols; j++) set(0, j, j);
  for (let i = 1; i < rows; i++) {
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(at(i - 1, j) + 1, at(i, j - 1) + 1, at(i - 1, j - 1) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        v = Math.min(v, at(i - 2, j - 2) + 1);
      }
      set(i, j, v);
    }
  }
  return at(a.length, b.length);
}

// ---------------------------------------------------------------------------------------
// Programme signals.

type Signal = "PBI_JK" | "ASLUT" | "BPNT" | "PKH" | "RASDA" | "RUTILAHU" | "KKS_HILANG";

// Programmes and topics that have no line of their own in table 3.1: the office counts
// them under "Lain-lain" (the seed's ODKB, "antensi Yatim", tanah longsor, DTKS rows).
type OtherSignal = "ODKB" | "ATENSI" | "DTKS" | "BENCANA" | "DISABILITAS" | "BPJS_TK";

type Matcher = {
  /** Whole tokens; fuzzy-matched according to their length (see fuzzyMatches). */
  tokens?: readonly string[];
  /** Multi-word phrases matched on the normalised text. */
  phrases?: readonly string[];
};

const SIGNALS: Record<Signal, Matcher> = {
  PBI_JK: {
    tokens: ["bpjs", "pbi", "jkn", "kis", "jamkesmas", "jamkesda"],
    phrases: ["kartu indonesia sehat", "jaminan kesehatan", "pbi jk"],
  },
  ASLUT: { tokens: ["aslut"], phrases: ["asistensi sosial lanjut usia"] },
  BPNT: { tokens: ["bpnt", "sembako"], phrases: ["pangan non tunai"] },
  PKH: { tokens: ["pkh"], phrases: ["keluarga harapan"] },
  RASDA: { tokens: ["rasda"], phrases: ["pangan daerah", "beras daerah"] },
  RUTILAHU: {
    tokens: ["rutilahu", "rtlh"],
    phrases: [
      "bedah rumah",
      "rehab rumah",
      "rehabilitasi rumah",
      "rumah tidak layak huni",
      "rumah tak layak huni",
    ],
  },
  // KKS alone is a card, not a complaint type; only its loss/damage is (checked below).
  KKS_HILANG: { tokens: ["kks"], phrases: ["kartu keluarga sejahtera"] },
};

// Words that describe the person rather than name a programme ("rutilahu untuk lansia"
// is a RUTILAHU complaint): they count only when no programme is named.
const WEAK_SIGNALS: Partial<Record<Signal, Matcher>> = {
  ASLUT: { tokens: ["lansia", "jompo"], phrases: ["lanjut usia"] },
};

const OTHER_SIGNALS: Record<OtherSignal, Matcher> = {
  ODKB: { tokens: ["odkb"], phrases: ["orang dengan kecacatan berat"] },
  ATENSI: { tokens: ["atensi", "yatim", "piatu"] },
  DTKS: { tokens: ["dtks", "dtsen"] },
  BENCANA: {
    tokens: ["longsor", "banjir", "kebakaran", "bencana", "musibah"],
    phrases: ["puting beliung"],
  },
  DISABILITAS: { tokens: ["disabilitas", "cacat"], phrases: ["berkebutuhan khusus"] },
  BPJS_TK: { tokens: ["ketenagakerjaan", "jamsostek"], phrases: ["bpjs tk"] },
};

const LOSS_WORDS = ["hilang", "kehilangan", "rusak", "patah", "dicuri", "tercecer", "terselip"];
const LOSS_PHRASES = ["cetak ulang", "ganti kartu", "kartu baru"];

// Precedence when several programmes remain (see suggestJenis).
const PRECEDENCE: readonly Signal[] = [
  "KKS_HILANG",
  "PKH",
  "BPNT",
  "ASLUT",
  "RASDA",
  "RUTILAHU",
  "PBI_JK",
];

const SIGNAL_TO_JENIS: Record<Signal, JenisCode> = {
  PBI_JK: "PBI_JK_REAKTIVASI",
  ASLUT: "ASLUT",
  BPNT: "BPNT",
  PKH: "PKH",
  RASDA: "RASDA",
  RUTILAHU: "RUTILAHU",
  KKS_HILANG: "KKS_HILANG",
};

/** Two different strings of one length that differ by one swap of neighbours ("bnpt"). */
function isAdjacentSwap(a: string, b: string): boolean {
  let i = 0;
  while (i < a.length && a[i] === b[i]) i++;
  return (
    i + 1 < a.length && a[i] === b[i + 1] && a[i + 1] === b[i] && a.slice(i + 2) === b.slice(i + 2)
  );
}

/**
 * editDistance(a, b) === 1 in linear time: one substitution, insertion, deletion or swap
 * of neighbours (tests/unit/domain checks it against editDistance).
 */
export function isOneEditApart(a: string, b: string): boolean {
  if (a === b || Math.abs(a.length - b.length) > 1) return false;
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  if (a.length === b.length)
    return a.slice(i + 1) === b.slice(i + 1) || isAdjacentSwap(a.slice(i), b.slice(i));
  return a.length > b.length ? a.slice(i + 1) === b.slice(i) : a.slice(i) === b.slice(i + 1);
}

type Hit = { exact: boolean; evidence: string; position: number };

/** A Matcher made ready once: padded phrases, and the keywords that can match fuzzily. */
type Compiled = {
  phrases: readonly { phrase: string; padded: string }[];
  tokens: readonly string[];
  fuzzy: readonly string[];
};

const compiled = new WeakMap<Matcher, Compiled>();

function compile(m: Matcher): Compiled {
  let c = compiled.get(m);
  if (!c) {
    c = {
      phrases: (m.phrases ?? []).map((phrase) => ({ phrase, padded: ` ${phrase} ` })),
      tokens: m.tokens ?? [],
      // fuzzyMatches: keywords shorter than 4 letters match exactly only.
      fuzzy: (m.tokens ?? []).filter((k) => k.length >= 4),
    };
    compiled.set(m, c);
  }
  return c;
}

/** One text, read once for every matcher: its words, where each first occurs, and the
 * words that may match a keyword fuzzily (4+ letters, no digit). */
type Text = {
  norm: string;
  padded: string;
  tokens: readonly string[];
  first: ReadonlyMap<string, number>;
  fuzzy: readonly { token: string; position: number }[];
};

function readText(norm: string): Text {
  const tokens = norm.length > 0 ? norm.split(" ") : [];
  const first = new Map<string, number>();
  const fuzzy: { token: string; position: number }[] = [];
  tokens.forEach((token, position) => {
    if (!first.has(token)) first.set(token, position);
    if (token.length >= 4 && !/\d/.test(token)) fuzzy.push({ token, position });
  });
  return { norm, padded: ` ${norm} `, tokens, first, fuzzy };
}

// Short acronyms collide with ordinary words under edit distance 1 ("pkh"/"pak",
// "rasda"/"rasa"), so fuzziness grows with length: 3 letters exact, 4 letters only a
// swapped pair ("bpsj", "bnpt"), 5+ letters one edit on a token at least as long as 5.
// For a token that is not the keyword itself, with no digit (see readText's `fuzzy`).
function fuzzyMatches(token: string, keyword: string): boolean {
  if (keyword.length === 4) return token.length === 4 && isAdjacentSwap(token, keyword);
  return token.length >= 5 && isOneEditApart(token, keyword);
}

/**
 * The matcher's best hit: an exact one (phrase or word) before a fuzzy one, then the
 * earliest; on a tie the phrase, then the first keyword listed.
 */
function findMatcher(text: Text, matcher: Matcher): Hit | null {
  const m = compile(matcher);
  let best: Hit | null = null;
  for (const { phrase, padded } of m.phrases) {
    const idx = text.padded.indexOf(padded);
    if (idx < 0) continue;
    const position = text.norm.slice(0, idx).split(" ").length - 1;
    if (!best || position < best.position) best = { exact: true, evidence: phrase, position };
  }
  for (const keyword of m.tokens) {
    const position = text.first.get(keyword);
    if (position !== undefined && (!best || position < best.position))
      best = { exact: true, evidence: keyword, position };
  }
  if (best) return best;
  for (const { token, position } of text.fuzzy) {
    for (const keyword of m.fuzzy) {
      if (fuzzyMatches(token, keyword))
        return { exact: false, evidence: `${token}~${keyword}`, position };
    }
  }
  return null;
}

const LOSS_PADDED = LOSS_PHRASES.map((p) => ` ${p} `);

function hasLossWording(text: Text): boolean {
  if (LOSS_PADDED.some((p) => text.padded.includes(p))) return true;
  if (LOSS_WORDS.some((w) => text.first.has(w))) return true;
  return text.fuzzy.some(({ token }) => LOSS_WORDS.some((w) => fuzzyMatches(token, w)));
}

// "... PKH tidak masuk, sedangkan BPNT masuk terus": the programme after the contrast
// word is named as working, i.e. context, not the object of the complaint.
const CONTRAST_WORDS = new Set(["sedangkan", "tetapi", "tapi", "namun", "padahal"]);
const WORKING_WORDS = new Set([
  "masuk",
  "lancar",
  "aktif",
  "cair",
  "normal",
  "terima",
  "menerima",
  "dapat",
]);
const NEGATIONS = new Set(["tidak", "tdk", "gak", "nggak", "belum", "blm", "tak", "bukan"]);

function contrastClauses(tokens: readonly string[]): Array<{ from: number; to: number }> {
  const clauses: Array<{ from: number; to: number }> = [];
  tokens.forEach((t, i) => {
    if (!CONTRAST_WORDS.has(t)) return;
    let end = tokens.length;
    for (let j = i + 1; j < tokens.length; j++) {
      if (CONTRAST_WORDS.has(tokens[j] ?? "")) {
        end = j;
        break;
      }
    }
    const clause = tokens.slice(i + 1, end);
    const working = clause.findIndex((w) => WORKING_WORDS.has(w));
    // "sudah tidak masuk" / "belum cair" are complaints, not reassurance.
    const negated =
      working > 0 && clause.slice(Math.max(0, working - 2), working).some((w) => NEGATIONS.has(w));
    if (working >= 0 && !negated) clauses.push({ from: i + 1, to: end });
  });
  return clauses;
}

/**
 * Suggests the jenis of a complaint from its KEPERLUAN text.
 *
 * Rule for texts naming several programmes (documented, tested):
 *  1. A programme named only inside a contrast clause that says it works ("sedangkan BPNT
 *     masuk terus", "tapi PKH lancar") is dropped: it is context, not the complaint.
 *  2. Of what remains, the first in this precedence wins:
 *     KKS_HILANG > PKH > BPNT > ASLUT > RASDA > RUTILAHU > PBI_JK_REAKTIVASI.
 *     Why: a lost KKS blocks every programme paid on it and has its own remedy (cetak
 *     ulang), so it is the actionable complaint; PKH families receive BPNT by design and
 *     their SIKS-NG status is read on the PKH record ("BPNT PKH" is one PKH family); the
 *     national cash/food programmes come before the regency's own (RASDA, RUTILAHU),
 *     which follow from the same registration; BPJS/PBI JK is last because in mixed texts
 *     it is usually mentioned as a consequence ("... jadi BPJS juga mati").
 *  The confidence is "medium" whenever this rule had to choose.
 *  Descriptive words ("lansia") are weak signals and count only when no programme is
 *  named at all, so "rutilahu untuk lansia" stays RUTILAHU.
 *
 * Programmes without a line of their own in table 3.1 (ODKB, ATENSI/yatim, DTKS,
 * disasters, disability, BPJS Ketenagakerjaan) give LAIN_LAIN, as in the seed report.
 */
export function suggestJenis(input: string): JenisSuggestion {
  const text = readText(normaliseForMatching(input));
  const { norm, tokens } = text;

  const hits = new Map<Signal, Hit>();
  for (const signal of PRECEDENCE) {
    const hit = findMatcher(text, SIGNALS[signal]);
    if (hit) hits.set(signal, hit);
  }
  let weak = false;
  if (hits.size === 0) {
    for (const signal of PRECEDENCE) {
      const matcher = WEAK_SIGNALS[signal];
      const hit = matcher ? findMatcher(text, matcher) : null;
      if (hit) hits.set(signal, { ...hit, exact: false });
    }
    weak = hits.size > 0;
  }
  // A KKS mention without loss wording is not a KKS_HILANG complaint.
  if (hits.has("KKS_HILANG") && !hasLossWording(text)) hits.delete("KKS_HILANG");
  // BPJS Ketenagakerjaan is labour insurance, not the state-paid PBI JK.
  const bpjsTk = findMatcher(text, OTHER_SIGNALS.BPJS_TK);
  if (bpjsTk && hits.has("PBI_JK") && !/\b(kesehatan|pbi|kis|jkn)\b/.test(norm))
    hits.delete("PBI_JK");

  let dropped: Signal[] = [];
  if (hits.size > 1) {
    const clauses = contrastClauses(tokens);
    const inContrast = (position: number): boolean =>
      clauses.some((c) => position >= c.from && position < c.to);
    // The first mention decides: "PKH ... sedangkan PKH anak lain masuk" keeps PKH.
    dropped = [...hits.entries()]
      .filter(([, hit]) => inContrast(hit.position))
      .map(([signal]) => signal);
    if (dropped.length < hits.size) for (const signal of dropped) hits.delete(signal);
    else dropped = [];
  }

  const remaining = PRECEDENCE.filter((s) => hits.has(s));
  const winner = remaining[0];
  if (winner !== undefined) {
    const hit = hits.get(winner);
    const evidence = hit?.evidence ?? winner;
    const parts: string[] = [];
    if (dropped.length > 0) parts.push(`contrast-dropped:${dropped.join("+")}`);
    if (remaining.length > 1) parts.push(`precedence:${remaining.join(">")}`);
    parts.push(`${weak ? "weak" : hit?.exact ? "keyword" : "fuzzy"}:${evidence}`);
    const confidence: JenisConfidence =
      remaining.length > 1 || dropped.length > 0 || !hit?.exact ? "medium" : "high";
    return { jenis: SIGNAL_TO_JENIS[winner], rule: parts.join(" "), confidence };
  }

  for (const [other, matcher] of Object.entries(OTHER_SIGNALS) as Array<[OtherSignal, Matcher]>) {
    const hit = findMatcher(text, matcher);
    if (hit) {
      return {
        jenis: "LAIN_LAIN",
        rule: `other:${other}:${hit.evidence}`,
        confidence: hit.exact ? "high" : "medium",
      };
    }
  }
  return { jenis: "LAIN_LAIN", rule: "no-match", confidence: "low" };
}
