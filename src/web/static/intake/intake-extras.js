// @ts-check
/* global window, localStorage */
// issue 15: what the desk's intake form gained: the received date and time (bounded), the
// warning when the NIK or phone already has an open case, and drafts that belong to the
// user who typed them and end with the session (a draft may hold a citizen's NIK).
import { api } from "../shared/api.js";
import { add, clear, el, fmtDateTime, setFieldError, STATUS } from "../shared/ui.js";
import { checkNik, checkPhone } from "../shared/validate.js";

/** @typedef {import("../shared/types.js").OpenCase} OpenCase */

export const DRAFT_KEY = "aduan.intake.draft";
export const QUEUE_KEY = "aduan.intake.queue";
/**
 * How far back the desk may usually date a complaint (a paper backlog, a kotak-saran
 * letter): the input's lower bound and hint. The server's ADUAN_INTAKE_MAX_AGE_DAYS
 * decides; its refusal shows beside the field.
 */
export const MAX_AGE_DAYS = 365;

const WITA_MS = 8 * 3_600_000;

/** A datetime-local value (WITA wall clock) for an instant. @param {number} ms */
export function witaLocal(ms) {
  return new Date(ms + WITA_MS).toISOString().slice(0, 16);
}

/** The instant of a datetime-local value read as WITA. @param {string} v */
export function fromWitaLocal(v) {
  return new Date(`${v}:00+08:00`);
}

/**
 * The "tanggal dan jam diterima" control: now by default (and sent as nothing, so the
 * server stamps the moment it saves), bounded to [now − MAX_AGE_DAYS, now].
 */
export function receivedControl() {
  const input = /** @type {HTMLInputElement} */ (
    el("input", { type: "datetime-local", name: "receivedAt", step: 60 })
  );
  const toNow = () => {
    const now = Date.now();
    input.value = witaLocal(now);
    input.max = witaLocal(now + 5 * 60_000);
    input.dataset.auto = "1";
  };
  input.addEventListener("input", () => {
    delete input.dataset.auto;
    setFieldError("receivedAt", receivedError(input));
  });
  toNow();
  return { input, toNow };
}

/** Why the received time is refused, or "". @param {HTMLInputElement} input */
export function receivedError(input) {
  if (input.dataset.auto === "1") return "";
  if (!input.value) return "Tanggal dan jam diterima wajib diisi";
  const t = fromWitaLocal(input.value).getTime();
  if (Number.isNaN(t)) return "Tanggal dan jam tidak valid";
  if (t > Date.now() + 5 * 60_000) return "Tidak boleh di masa depan";
  return "";
}

/** The value for the intake body, or undefined ("now"). @param {HTMLInputElement} input */
export function receivedValue(input) {
  if (input.dataset.auto === "1" || !input.value) return undefined;
  return fromWitaLocal(input.value).toISOString();
}

/**
 * Asks the API whether the NIK or phone typed for the pelapor has an open case, and shows
 * a warning with a link to each. Called after the fields settle (blur, valid value).
 * @param {HTMLElement} box
 * @param {{ nik: HTMLInputElement, phone: HTMLInputElement }} person
 */
export function openCaseWatcher(box, person) {
  let seq = 0;
  let lastAsked = "";
  async function check() {
    const n = checkNik(person.nik.value);
    const t = checkPhone(person.phone.value);
    /** @type {{ nik?: string, phone?: string }} */
    const body = {};
    if (n.ok && !n.empty) body.nik = person.nik.value.replace(/[\s.-]/g, "");
    if (t.ok && !t.empty) body.phone = person.phone.value.trim();
    const key = JSON.stringify(body);
    if (key === lastAsked) return;
    lastAsked = key;
    const mine = ++seq;
    if (!body.nik && !body.phone) {
      clear(box);
      return;
    }
    try {
      const r = await api("POST", "/api/v1/console/open-cases", body);
      if (mine !== seq) return;
      clear(box);
      if (!r.data.length) return;
      add(
        box,
        el(
          "div",
          { class: "notice warn", role: "status", "data-open-cases": String(r.data.length) },
          el(
            "p",
            {},
            el("strong", {}, "Perhatian: "),
            r.data.length === 1
              ? "orang ini masih punya aduan yang belum selesai."
              : `orang ini masih punya ${r.data.length} aduan yang belum selesai.`,
          ),
          el(
            "ul",
            {},
            r.data.map((/** @type {OpenCase} */ c) =>
              el(
                "li",
                {},
                el("a", { href: `/kasus/${c.id}`, target: "_blank", rel: "noopener" }, c.number),
                ` · ${STATUS[c.status] || c.status} · diterima ${fmtDateTime(c.receivedAt)} · sama ${c.matchedBy
                  .map((/** @type {string} */ m) => (m === "nik" ? "NIK" : "nomor telepon"))
                  .join(" dan ")}`,
              ),
            ),
          ),
          el(
            "p",
            { class: "hint" },
            "Periksa dulu apakah ini aduan yang sama sebelum menyimpan aduan baru.",
          ),
        ),
      );
    } catch {
      /* a warning is a convenience: intake goes on without it */
      if (mine === seq) clear(box);
      lastAsked = "";
    }
  }
  for (const i of [person.nik, person.phone]) {
    i.addEventListener("blur", check);
    i.addEventListener("change", check);
  }
  return {
    check,
    reset() {
      lastAsked = "";
      seq++;
      clear(box);
    },
  };
}

/** The draft saved by this user, or null (another user's draft is dropped unread). @param {string} userId */
export function readDraft(userId) {
  try {
    const d = JSON.parse(localStorage.getItem(DRAFT_KEY) || "null");
    if (!d) return null;
    if (d.user !== userId || typeof d.fields !== "object") {
      localStorage.removeItem(DRAFT_KEY);
      return null;
    }
    return d.fields;
  } catch {
    localStorage.removeItem(DRAFT_KEY);
    return null;
  }
}

/** @param {string} userId @param {Record<string, unknown>} fields */
export function writeDraft(userId, fields) {
  localStorage.setItem(DRAFT_KEY, JSON.stringify({ user: userId, fields }));
}

/**
 * Logout: the draft goes (it may hold a NIK); unsent queued complaints too, after the user
 * agreed (they cannot be sent once the session is gone). False when the user stays.
 */
export function forgetOnLogout() {
  let queued = 0;
  try {
    queued = JSON.parse(localStorage.getItem(QUEUE_KEY) || "[]").length;
  } catch {
    queued = 0;
  }
  if (
    queued &&
    !window.confirm(
      `${queued} aduan belum terkirim dan tersimpan di perangkat ini. Jika keluar sekarang, aduan itu dihapus dari perangkat. Tetap keluar?`,
    )
  )
    return false;
  localStorage.removeItem(DRAFT_KEY);
  localStorage.removeItem(QUEUE_KEY);
  return true;
}

/** The login page: whoever comes next never sees the previous session's draft. */
export function forgetDraft() {
  localStorage.removeItem(DRAFT_KEY);
}
