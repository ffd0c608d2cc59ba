/* global document, Node */
// DOM helpers: text always goes in as text nodes, never as HTML.
import { staffMessage } from "./messages.js";

export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k === "class") node.className = v;
    else if (k === "text") node.textContent = v;
    else if (k.startsWith("on") && typeof v === "function") node.addEventListener(k.slice(2), v);
    else if (k === "value") node.value = v;
    else if (v === true) node.setAttribute(k, "");
    else node.setAttribute(k, String(v));
  }
  append(node, children);
  return node;
}

function append(node, children) {
  for (const c of children) {
    if (c === undefined || c === null || c === false) continue;
    if (Array.isArray(c)) append(node, c);
    else node.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
}

export function clear(node) {
  while (node.firstChild) node.firstChild.remove();
  return node;
}

const TZ = "Asia/Makassar";
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
export const STATUS = {};
export const CHANNEL = {};
export const JENIS = {};
export const BIDANG = {};
export const ROLE = {};
/** Timeline event types → what staff read in the case history. */
export const EVENT = {};
/** Statuses that end a case. */
export const FINAL = [];
/** Channels a desk officer records by hand. */
export const INTAKE_CHANNELS = [];

let labelsLoaded = null;
/** Loads the labels (once); `api` is api.js's caller, passed in to keep ui.js import-free. */
export function loadLabels(api) {
  labelsLoaded ??= Promise.all([
    api("GET", "/api/v1/catalogue/labels"),
    api("GET", "/api/v1/catalogue/jenis"),
  ]).then(([labels, jenis]) => {
    const fill = (target, entries) => {
      for (const { code, label } of entries) target[code] = label;
    };
    fill(STATUS, labels.statuses);
    fill(CHANNEL, labels.channels);
    fill(BIDANG, labels.bidang);
    fill(ROLE, labels.roles);
    fill(EVENT, labels.events);
    fill(JENIS, jenis.codes);
    FINAL.push(...labels.finalStatuses);
    INTAKE_CHANNELS.push(...labels.intakeChannels);
  });
  return labelsLoaded;
}

/** on_time | near | late from the API's slaState, else from dueAt (near = within 24 h). */
export function slaOf(c, now = Date.now()) {
  if (FINAL.includes(c.status)) return null;
  const s = c.slaState && typeof c.slaState === "object" ? c.slaState.state : c.slaState;
  if (s === "on_time" || s === "near" || s === "late") return s;
  if (!c.dueAt) return null;
  const left = new Date(c.dueAt).getTime() - now;
  if (left < 0) return "late";
  return left <= 24 * 3600_000 ? "near" : "on_time";
}

const SLA_TEXT = { on_time: "Tepat waktu", near: "Mendekati batas", late: "Terlambat" };
export function slaBadge(c) {
  const s = slaOf(c);
  if (!s) return null;
  return el(
    "span",
    { class: `badge sla-${s}`, title: c.dueAt ? `Batas ${fmtDateTime(c.dueAt)}` : null },
    SLA_TEXT[s],
  );
}

export function statusBadge(status) {
  return el("span", { class: `badge st-${status}` }, STATUS[status] || status);
}

export function options(map, { empty } = {}) {
  const out = [];
  if (empty !== undefined) out.push(el("option", { value: "" }, empty));
  for (const [v, label] of Object.entries(map)) out.push(el("option", { value: v }, label));
  return out;
}

/** A labelled control: label above, hint and error below, wired with aria-describedby. */
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

export function setFieldError(id, message) {
  const input = document.getElementById(id);
  const err = document.getElementById(`${id}-err`);
  if (err) err.textContent = message || "";
  if (input) input.setAttribute("aria-invalid", message ? "true" : "false");
}

export function notice(kind, text) {
  return el("div", { class: `notice ${kind}`, role: kind === "error" ? "alert" : "status" }, text);
}

export function unavailable(what) {
  return el(
    "div",
    { class: "notice unavailable", role: "status", "data-unavailable": "" },
    `${what} belum tersedia di server ini.`,
  );
}

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
export function add(node, ...children) {
  append(node, children);
  return node;
}
