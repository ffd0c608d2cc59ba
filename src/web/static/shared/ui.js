// @ts-check
/* global document, Node */
// DOM helpers: text always goes in as text nodes, never as HTML.
import { staffMessage } from "./messages.js";

/**
 * What el() and add() take as children: nodes, text, nested lists; null/false are skipped.
 * @typedef {Node | string | number | null | undefined | false | unknown[]} Child
 */
/**
 * Attributes; `class`, `text`, `value` and `on<event>` handlers are set as properties. A
 * null, undefined or false value leaves the attribute out, true sets it empty. Handlers take
 * `ev: any`: one attribute map serves click, input, submit… handlers alike.
 * @typedef {Record<string, string | number | boolean | null | undefined | ((ev: any) => unknown)>} Attrs
 */

/**
 * @template {keyof HTMLElementTagNameMap} K
 * @param {K} tag
 * @param {Attrs | null} [attrs]
 * @param {...Child} children
 * @returns {HTMLElementTagNameMap[K]}
 */
export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k === "class") node.className = /** @type {string} */ (v);
    else if (k === "text") node.textContent = /** @type {string} */ (v);
    else if (k.startsWith("on") && typeof v === "function") node.addEventListener(k.slice(2), v);
    else if (k === "value")
      /** @type {HTMLInputElement} */ (node).value = /** @type {string} */ (v);
    else if (v === true) node.setAttribute(k, "");
    else node.setAttribute(k, String(v));
  }
  append(node, children);
  return node;
}

/**
 * A table of the console: column headings (`th scope="col"`, which shared/table-labels.js
 * copies onto the cells at phone width) and its body rows.
 * @param {Attrs | null} attrs the table's attributes
 * @param {readonly string[]} headings
 * @param {Child} rows the body's rows (<tr> elements)
 * @param {Child} [caption] a <caption>, if any
 */
export function dataTable(attrs, headings, rows, caption = null) {
  return el(
    "table",
    attrs,
    caption,
    el(
      "thead",
      {},
      el(
        "tr",
        {},
        headings.map((h) => el("th", { scope: "col" }, h)),
      ),
    ),
    el("tbody", {}, rows),
  );
}

/** @param {Node & ParentNode} node @param {readonly unknown[]} children */
function append(node, children) {
  for (const c of children) {
    if (c === undefined || c === null || c === false) continue;
    if (Array.isArray(c)) append(node, c);
    else node.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
}

/** @template {Node} N @param {N} node @returns {N} */
export function clear(node) {
  while (node.firstChild) node.firstChild.remove();
  return node;
}

const TZ = "Asia/Makassar";
/** @param {string | null | undefined} iso */
export function fmtDateTime(iso) {
  if (!iso) return "–";
  return (
    new Intl.DateTimeFormat("id-ID", {
      timeZone: TZ,
      day: "numeric",
      month: "short",
      year: "numeric",
      hour: "2-digit",
      minute: "2-digit",
    }).format(new Date(iso)) + " WITA"
  );
}
/** @param {string | null | undefined} iso */
export function fmtDate(iso) {
  if (!iso) return "–";
  return new Intl.DateTimeFormat("id-ID", {
    timeZone: TZ,
    day: "numeric",
    month: "short",
    year: "numeric",
  }).format(new Date(iso));
}

// Codes → Indonesian labels, filled once per page load by loadLabels() from the API: the
// vocabularies of src/domain (GET /api/v1/catalogue/labels) and the jenis catalogue with the
// codes an admin added (GET /api/v1/catalogue/jenis). The console keeps no copy of its own;
// the objects are filled in place so every module that imported them sees the values.
/** @typedef {import("./types.js").Labels} Labels */
/** @typedef {import("./types.js").JenisCatalogue} JenisCatalogue */
// Keyed by any string: a code the server sends that the labels do not know shows as itself.
/** @type {Record<string, string>} */
export const STATUS = {};
/** @type {Record<string, string>} */
export const CHANNEL = {};
/** @type {Record<string, string>} */
export const JENIS = {};
/** @type {Record<string, string>} */
export const BIDANG = {};
/** @type {Record<string, string>} */
export const ROLE = {};
/** Timeline event types → what staff read in the case history. @type {Record<string, string>} */
export const EVENT = {};
/** Statuses that end a case. @type {string[]} */
export const FINAL = [];
/** Channels a desk officer records by hand. @type {string[]} */
export const INTAKE_CHANNELS = [];
/** SIKS-NG programmes of a finding → label. @type {Record<string, string>} */
export const PROGRAMME = {};
/** Statuses seen in SIKS-NG → label. @type {Record<string, string>} */
export const STATUS_SEEN = {};
/** The kecamatan of Kabupaten Tabalong by name, sorted (src/domain/nik.ts). @type {string[]} */
export const KECAMATAN = [];
/** Month names, January first (src/domain/legacy/indonesian-date.ts). @type {string[]} */
export const MONTHS = [];
/** The same, as tables and charts abbreviate them ("Agu"). @type {string[]} */
export const MONTHS_SHORT = [];
/** Review points of an imported row → label (src/domain/legacy/import-labels.ts). @type {Record<string, string>} */
export const REVIEW_POINT = {};
/** Fields named by a legacy import report → the column staff know. @type {Record<string, string>} */
export const IMPORT_FIELD = {};

/** @type {Promise<void> | null} */
let labelsLoaded = null;
/**
 * Loads the labels (once); `api` is api.js's caller, passed in to keep ui.js import-free.
 * @param {(method: string, path: string) => Promise<any>} api api.js's api(): JSON, typed here
 */
export function loadLabels(api) {
  labelsLoaded ??= Promise.all([
    api("GET", "/api/v1/catalogue/labels"),
    api("GET", "/api/v1/catalogue/jenis"),
  ]).then((/** @type {[Labels, JenisCatalogue]} */ [labels, jenis]) => {
    /** @param {Record<string, string>} target @param {{ code: string, label: string }[]} entries */
    const fill = (target, entries) => {
      for (const { code, label } of entries) target[code] = label;
    };
    fill(STATUS, labels.statuses);
    fill(CHANNEL, labels.channels);
    fill(BIDANG, labels.bidang);
    fill(ROLE, labels.roles);
    fill(EVENT, labels.events);
    fill(PROGRAMME, labels.programmes);
    fill(STATUS_SEEN, labels.statusSeen);
    fill(REVIEW_POINT, labels.reviewPoints);
    fill(IMPORT_FIELD, labels.importFields);
    fill(JENIS, jenis.codes);
    FINAL.push(...labels.finalStatuses);
    INTAKE_CHANNELS.push(...labels.intakeChannels);
    KECAMATAN.push(...labels.kecamatan);
    MONTHS.push(...labels.months);
    MONTHS_SHORT.push(...labels.monthsShort);
  });
  return labelsLoaded;
}

/** on_time | near | late from the API's slaState, else from dueAt (near = within 24 h). */
/**
 * @param {{ status: string, dueAt?: string | null, slaState?: unknown }} c
 * @param {number} [now]
 * @returns {"on_time" | "near" | "late" | null}
 */
export function slaOf(c, now = Date.now()) {
  if (FINAL.includes(c.status)) return null;
  const s =
    c.slaState && typeof c.slaState === "object"
      ? /** @type {{ state?: unknown }} */ (c.slaState).state
      : c.slaState;
  if (s === "on_time" || s === "near" || s === "late") return s;
  if (!c.dueAt) return null;
  const left = new Date(c.dueAt).getTime() - now;
  if (left < 0) return "late";
  return left <= 24 * 3600_000 ? "near" : "on_time";
}

const SLA_TEXT = { on_time: "Tepat waktu", near: "Mendekati batas", late: "Terlambat" };
/** @param {{ status: string, dueAt?: string | null, slaState?: unknown }} c */
export function slaBadge(c) {
  const s = slaOf(c);
  if (!s) return null;
  return el(
    "span",
    { class: `badge sla-${s}`, title: c.dueAt ? `Batas ${fmtDateTime(c.dueAt)}` : null },
    SLA_TEXT[s],
  );
}

/** @param {string} status */
export function statusBadge(status) {
  return el("span", { class: `badge st-${status}` }, STATUS[status] || status);
}

/**
 * `<option>`s of a code → label map, with an optional empty first choice.
 * @param {Record<string, string>} map
 * @param {{ empty?: string }} [opts]
 */
export function options(map, { empty } = {}) {
  const out = [];
  if (empty !== undefined) out.push(el("option", { value: "" }, empty));
  for (const [v, label] of Object.entries(map)) out.push(el("option", { value: v }, label));
  return out;
}

/** A labelled control: label above, hint and error below, wired with aria-describedby. */
/**
 * @param {string} id
 * @param {string} label
 * @param {HTMLElement} control
 * @param {string | null} [hint]
 */
export function field(id, label, control, hint) {
  control.id = id;
  const err = el("p", { class: "field-error", id: `${id}-err`, "aria-live": "polite" });
  const parts = [`${id}-err`];
  let hintEl = null;
  if (hint) {
    hintEl = el("p", { class: "hint", id: `${id}-hint` }, hint);
    parts.unshift(`${id}-hint`);
  }
  control.setAttribute("aria-describedby", parts.join(" "));
  return el("div", { class: "field" }, el("label", { for: id }, label), control, hintEl, err);
}

/** @param {string} id @param {string | null | undefined} message */
export function setFieldError(id, message) {
  const input = document.getElementById(id);
  const err = document.getElementById(`${id}-err`);
  if (err) err.textContent = message || "";
  if (input) input.setAttribute("aria-invalid", message ? "true" : "false");
}

/** @param {"ok" | "warn" | "error" | "info"} kind @param {Child} text */
export function notice(kind, text) {
  return el("div", { class: `notice ${kind}`, role: kind === "error" ? "alert" : "status" }, text);
}

/** @param {string} what */
export function unavailable(what) {
  return el(
    "div",
    { class: "notice unavailable", role: "status", "data-unavailable": "" },
    `${what} belum tersedia di server ini.`,
  );
}

/**
 * A refusal in words staff read. `e` is whatever a catch caught: an ApiError mostly.
 * @param {any} e
 */
export function errorMessage(e) {
  if (!e) return "Terjadi kesalahan";
  if (e.code === "OFFLINE") return "Tidak tersambung ke server. Periksa koneksi internet.";
  // A role named by its label, not its code ("Peran front_office …").
  if (e.status === 403)
    return `Anda tidak berwenang: ${staffMessage(e).replace(/\b[a-z]+(?:_[a-z]+)*\b/g, (w) =>
      Object.prototype.hasOwnProperty.call(ROLE, w) ? ROLE[w] : w,
    )}`;
  // Bahasa only, fields by their label (issue 15).
  return staffMessage(e);
}

/** @param {string} title @param {...Child} children */
export function section(title, ...children) {
  const id = "s-" + title.toLowerCase().replace(/[^a-z0-9]+/g, "-");
  return el(
    "section",
    { class: "card", "aria-labelledby": id },
    el("h2", { id }, title),
    ...children,
  );
}

/** node.append that skips null/false children (DOM append would print "null"). */
/** @template {Node & ParentNode} N @param {N} node @param {...Child} children @returns {N} */
export function add(node, ...children) {
  append(node, children);
  return node;
}
